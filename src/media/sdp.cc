// SDP parsing is line by line with one pass: session-level c= and direction are defaults that
// the first m=audio section overrides; attributes of any other media section are skipped. The
// body is a peer's, so numbers are parsed with from_chars and checked for range, and addresses
// with inet_pton (host names are refused: we would have to resolve them on the control thread).

#include "media/sdp.h"

#include <arpa/inet.h>

#include <bitset>
#include <charconv>
#include <vector>

#include "base/utf8.h"

namespace sb::media {
namespace {

std::vector<std::string_view> Fields(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ' ') {
      ++i;
      continue;
    }
    const std::size_t end = std::min(s.find(' ', i), s.size());
    out.push_back(s.substr(i, end - i));
    i = end;
  }
  return out;
}

std::optional<unsigned> Number(std::string_view s, unsigned max) {
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v > max) return std::nullopt;
  return v;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

Status LineError(int line, std::string_view what, std::string_view text) {
  return InvalidArgument("sdp: line " + std::to_string(line) + ": " + std::string(what) + " '" +
                         Printable(text, 80) + "'");
}

// "IN IP4 192.0.2.1" or "IN IP6 2001:db8::1"; a multicast TTL ("/127") is dropped.
Result<std::string> Connection(std::string_view value, int line) {
  const auto f = Fields(value);
  if (f.size() != 3 || f[0] != "IN" || (f[1] != "IP4" && f[1] != "IP6")) {
    return LineError(line, "c= is not 'IN IP4|IP6 address'", value);
  }
  const std::string address(f[2].substr(0, f[2].find('/')));
  unsigned char buf[16];
  if (inet_pton(f[1] == "IP4" ? AF_INET : AF_INET6, address.c_str(), buf) != 1) {
    return LineError(line, "c= address is not an IP address", f[2]);
  }
  return address;
}

std::optional<Direction> DirectionAttribute(std::string_view a) {
  if (a == "sendrecv") return Direction::kSendRecv;
  if (a == "sendonly") return Direction::kSendOnly;
  if (a == "recvonly") return Direction::kRecvOnly;
  if (a == "inactive") return Direction::kInactive;
  return std::nullopt;
}

bool IsRtpTransport(std::string_view p) {
  return p == "RTP/AVP" || p == "RTP/AVPF" || p == "RTP/SAVP" || p == "RTP/SAVPF" ||
         p == "UDP/TLS/RTP/SAVP" || p == "UDP/TLS/RTP/SAVPF";
}

// Payload types a telephone-event may take: the dynamic range and the unassigned ones below it,
// minus 72-76 which clash with RTCP on a shared port (RFC 3551 §6, RFC 5761 §4).
bool IsEventPayloadType(unsigned pt) { return pt >= 35 && pt <= 127 && !(pt >= 72 && pt <= 76); }

bool IsUnspecified(const std::string& address) { return address == "0.0.0.0" || address == "::"; }

const char* DirectionName(Direction d) {
  switch (d) {
    case Direction::kSendOnly:
      return "sendonly";
    case Direction::kRecvOnly:
      return "recvonly";
    case Direction::kInactive:
      return "inactive";
    case Direction::kSendRecv:
      break;
  }
  return "sendrecv";
}

std::string Origin(const SdpLocal& local) {
  const char* type = local.address.find(':') != std::string::npos ? "IP6" : "IP4";
  return "v=0\r\no=- " + std::to_string(local.session_id) + " " + std::to_string(local.version) +
         " IN " + type + " " + local.address + "\r\ns=-\r\nc=IN " + type + " " + local.address +
         "\r\nt=0 0\r\n";
}

const char* CodecName(Codec c) { return c == Codec::kPcmu ? "PCMU" : "PCMA"; }

const char* Profile(const SdpLocal& local) { return local.crypto ? "RTP/SAVP" : "RTP/AVP"; }

std::string CryptoLine(const SdpLocal& local) {
  return local.crypto ? "a=crypto:" + FormatCrypto(*local.crypto) + "\r\n" : std::string();
}

}  // namespace

Result<SdpAudio> ParseSdp(std::string_view body) {
  if (body.size() > kMaxSdpSize) {
    return InvalidArgument("sdp: body of " + std::to_string(body.size()) + " bytes is over the " +
                           std::to_string(kMaxSdpSize) + "-byte limit");
  }
  enum class Section { kSession, kAudio, kOther } section = Section::kSession;
  bool saw_version = false, saw_audio = false;
  std::string session_address, media_address;
  Direction session_direction = Direction::kSendRecv;
  std::optional<Direction> media_direction;
  std::vector<unsigned> formats;
  std::bitset<128> event_pts;  // rtpmap'd telephone-event/8000
  std::string_view proto;
  SdpAudio out;
  int line_no = 0;
  for (std::size_t pos = 0; pos < body.size();) {
    std::size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;  // tolerated, though RFC 4566 has none
    if (line.size() < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z') {
      return LineError(line_no, "not a type=value line", line);
    }
    const std::string_view value = line.substr(2);
    if (!saw_version) {
      if (line != "v=0") return LineError(line_no, "not SDP: the first line is not v=0", line);
      saw_version = true;
      continue;
    }
    if (line[0] == 'm') {
      const auto f = Fields(value);
      if (saw_audio || f.empty() || f[0] != "audio") {
        section = Section::kOther;
        continue;
      }
      if (f.size() < 4) return LineError(line_no, "m= needs media, port, transport, formats", line);
      const auto port = Number(f[1].substr(0, f[1].find('/')), 65535);
      if (!port) return LineError(line_no, "m= port is not a port", f[1]);
      if (!IsRtpTransport(f[2])) return LineError(line_no, "m=audio transport is not RTP", f[2]);
      for (std::size_t i = 3; i < f.size(); ++i) {
        const auto pt = Number(f[i], 127);
        if (!pt) return LineError(line_no, "m= format is not an RTP payload type", f[i]);
        formats.push_back(*pt);
      }
      out.port = static_cast<std::uint16_t>(*port);
      proto = f[2];
      section = Section::kAudio;
      saw_audio = true;
    } else if (line[0] == 'c' && section != Section::kOther) {
      SB_ASSIGN_OR_RETURN(auto address, Connection(value, line_no));
      (section == Section::kSession ? session_address : media_address) = std::move(address);
    } else if (line[0] == 'a' && section != Section::kOther) {
      const std::string_view name = value.substr(0, value.find(':'));
      const std::string_view arg = name.size() < value.size() ? value.substr(name.size() + 1) : "";
      if (const auto d = DirectionAttribute(name)) {
        if (section == Section::kSession) {
          session_direction = *d;
        } else {
          media_direction = *d;
        }
      } else if (name == "rtpmap" && section == Section::kAudio) {
        const auto f = Fields(arg);
        const auto pt = f.size() == 2 ? Number(f[0], 127) : std::nullopt;
        if (!pt) return LineError(line_no, "a=rtpmap is not 'type encoding/rate'", line);
        const std::string_view encoding = f[1].substr(0, f[1].find('/'));
        const std::string_view rate = f[1].substr(std::min(f[1].size(), encoding.size() + 1));
        if (EqualsNoCase(encoding, "telephone-event") && rate.substr(0, rate.find('/')) == "8000" &&
            IsEventPayloadType(*pt)) {
          event_pts.set(*pt);
        }
      } else if (name == "crypto" && section == Section::kAudio) {
        if (auto c = ParseCrypto(arg); c.ok() && out.crypto.size() < kMaxCrypto) {
          out.crypto.push_back(std::move(*c));
        } else {
          ++out.crypto_skipped;
        }
      } else if (name == "ptime" && section == Section::kAudio) {
        const auto ms = Number(arg, 1000);
        if (!ms || *ms == 0) return LineError(line_no, "a=ptime is not 1-1000 ms", line);
        out.ptime = static_cast<int>(*ms);
      }
    }
  }
  if (!saw_version) return InvalidArgument("sdp: empty body");
  if (!saw_audio) return InvalidArgument("sdp: no audio stream (m=audio)");
  out.address = media_address.empty() ? session_address : media_address;
  if (out.address.empty() && out.port != 0) return InvalidArgument("sdp: no connection (c=) line");
  for (unsigned pt : formats) {
    if (pt == 0 || pt == 8) {
      if (!out.pcmu && !out.pcma) out.preferred = pt == 0 ? Codec::kPcmu : Codec::kPcma;
      (pt == 0 ? out.pcmu : out.pcma) = true;
    } else if (out.telephone_event_pt < 0 && event_pts.test(pt)) {
      out.telephone_event_pt = static_cast<int>(pt);
    }
  }
  out.direction = media_direction.value_or(session_direction);
  out.secure = proto.find("SAVP") != std::string_view::npos;
  if (proto != "RTP/SAVP" && proto != "RTP/SAVPF") {  // keys by SDES only on RTP/SAVP(F)
    out.crypto_skipped += static_cast<int>(out.crypto.size());
    out.crypto.clear();
  }
  out.hold = IsUnspecified(out.address) || out.direction == Direction::kSendOnly ||
             out.direction == Direction::kInactive;
  return out;
}

std::optional<Codec> Choose(const SdpAudio& offer) {
  if (offer.port == 0 || (!offer.pcmu && !offer.pcma)) return std::nullopt;
  return offer.preferred;
}

std::string WriteOffer(const SdpLocal& local) {
  return Origin(local) + "m=audio " + std::to_string(local.port) + " " + Profile(local) +
         " 0 8 101\r\n"
         "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
         "a=fmtp:101 0-15\r\na=ptime:20\r\na=" +
         DirectionName(local.direction) + "\r\n" + CryptoLine(local);
}

std::string WriteAnswer(const SdpLocal& local, Codec codec, const SdpAudio& offer) {
  const auto sends = [](Direction d) {
    return d == Direction::kSendRecv || d == Direction::kSendOnly;
  };
  const auto receives = [](Direction d) {
    return d == Direction::kSendRecv || d == Direction::kRecvOnly;
  };
  // We send what the peer receives and receive what it sends, as far as `local` allows.
  const bool send = sends(local.direction) && receives(offer.direction);
  const bool recv = receives(local.direction) && sends(offer.direction);
  const Direction d = send && recv ? Direction::kSendRecv
                      : send       ? Direction::kSendOnly
                      : recv       ? Direction::kRecvOnly
                                   : Direction::kInactive;
  const std::string pt = std::to_string(static_cast<int>(codec));
  std::string s = Origin(local) + "m=audio " + std::to_string(offer.port == 0 ? 0 : local.port) +
                  " " + Profile(local) + " " + pt;
  const std::string te = std::to_string(offer.telephone_event_pt);
  if (offer.telephone_event_pt >= 0) s += " " + te;
  s += "\r\na=rtpmap:" + pt + " " + CodecName(codec) + "/8000\r\n";
  if (offer.telephone_event_pt >= 0) {
    s += "a=rtpmap:" + te + " telephone-event/8000\r\na=fmtp:" + te + " 0-15\r\n";
  }
  return s + "a=ptime:20\r\na=" + DirectionName(d) + "\r\n" + CryptoLine(local);
}

}  // namespace sb::media
