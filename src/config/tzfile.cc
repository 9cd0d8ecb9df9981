#include "config/tzfile.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>

namespace sb::config {
namespace {

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  bool Has(std::size_t n) const { return pos_ + n <= b_.size(); }
  std::int64_t Be(int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(b_[pos_++]);
    // Sign-extend.
    const int shift = 64 - 8 * bytes;
    return static_cast<std::int64_t>(v << shift) >> shift;
  }
  void Skip(std::size_t n) { pos_ += n; }
  std::size_t pos() const { return pos_; }

 private:
  std::string_view b_;
  std::size_t pos_ = 0;
};

struct Counts {
  std::int64_t isut, isstd, leap, time, type, chars;
};

Result<Counts> Header(Reader& r, std::string_view name) {
  if (!r.Has(44))
    return InvalidArgument("time zone '" + std::string(name) + "': truncated TZif header");
  r.Skip(20);  // magic, version, reserved (checked by the caller)
  Counts c{r.Be(4), r.Be(4), r.Be(4), r.Be(4), r.Be(4), r.Be(4)};
  if (c.isut < 0 || c.isstd < 0 || c.leap < 0 || c.time < 0 || c.type <= 0 || c.chars < 0 ||
      c.time > 100000 || c.type > 256 || c.chars > 65536 || c.leap > 10000 || c.isut > 256 ||
      c.isstd > 256) {
    return InvalidArgument("time zone '" + std::string(name) + "': implausible TZif counts");
  }
  return c;
}

// --- The POSIX TZ rule in the footer ("CET-1CEST,M3.5.0,M10.5.0/3"), which says how the
// offsets go on after the last explicit transition. Only the M (month.week.day) form of dates
// is used by the tz database for rules; a footer in another form is ignored (the last offset
// stays), never an error.

struct PosixRule {
  std::int32_t std_offset = 0;  // seconds east of UTC
  std::int32_t dst_offset = 0;
  bool has_dst = false;
  int start_month = 0, start_week = 0, start_day = 0, start_time = 7200;
  int end_month = 0, end_week = 0, end_day = 0, end_time = 7200;
};

class RuleParser {
 public:
  explicit RuleParser(std::string_view s) : s_(s) {}
  bool Name() {
    if (Peek() == '<') {
      const auto close = s_.find('>', i_);
      if (close == std::string_view::npos) return false;
      i_ = close + 1;
      return true;
    }
    const std::size_t start = i_;
    while (i_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[i_]))) ++i_;
    return i_ - start >= 3;
  }
  // [+-]hh[:mm[:ss]] in seconds.
  bool Time(int* out) {
    int sign = 1;
    if (Peek() == '+' || Peek() == '-') sign = s_[i_++] == '-' ? -1 : 1;
    int parts[3] = {0, 0, 0};
    for (int k = 0; k < 3; ++k) {
      if (k > 0 && Peek() != ':') break;
      if (k > 0) ++i_;
      if (!std::isdigit(static_cast<unsigned char>(Peek()))) return false;
      int v = 0;
      while (std::isdigit(static_cast<unsigned char>(Peek())) && v < 1000)
        v = v * 10 + (s_[i_++] - '0');
      parts[k] = v;
    }
    if (parts[0] > 167 || parts[1] > 59 || parts[2] > 59) return false;
    *out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
    return true;
  }
  bool Date(int* month, int* week, int* day, int* time) {
    if (Peek() != 'M') return false;
    ++i_;
    int v[3];
    for (int k = 0; k < 3; ++k) {
      if (k > 0 && Peek() != '.') return false;
      if (k > 0) ++i_;
      if (!std::isdigit(static_cast<unsigned char>(Peek()))) return false;
      v[k] = 0;
      while (std::isdigit(static_cast<unsigned char>(Peek())) && v[k] < 100)
        v[k] = v[k] * 10 + (s_[i_++] - '0');
    }
    if (v[0] < 1 || v[0] > 12 || v[1] < 1 || v[1] > 5 || v[2] > 6) return false;
    *month = v[0];
    *week = v[1];
    *day = v[2];
    if (Peek() == '/') {
      ++i_;
      return Time(time);
    }
    return true;
  }
  char Peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  bool Eat(char c) {
    if (Peek() != c) return false;
    ++i_;
    return true;
  }
  bool Done() const { return i_ == s_.size(); }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

std::optional<PosixRule> ParseRule(std::string_view text) {
  RuleParser p(text);
  PosixRule r;
  int off = 0;
  if (!p.Name() || !p.Time(&off)) return std::nullopt;
  r.std_offset = -off;  // POSIX counts west of UTC
  if (p.Done()) return r;
  if (!p.Name()) return std::nullopt;
  r.has_dst = true;
  r.dst_offset = r.std_offset + 3600;
  if (p.Peek() != ',') {
    if (!p.Time(&off)) return std::nullopt;
    r.dst_offset = -off;
  }
  if (!p.Eat(',') || !p.Date(&r.start_month, &r.start_week, &r.start_day, &r.start_time) ||
      !p.Eat(',') || !p.Date(&r.end_month, &r.end_week, &r.end_day, &r.end_time) || !p.Done()) {
    return std::nullopt;
  }
  return r;
}

// Seconds since the epoch of local midnight of day `day` (0 = Sunday) of week `week` (5 = last)
// of `month` in `year`, as if local time were UTC.
std::int64_t RuleDay(int year, int month, int week, int day) {
  using namespace std::chrono;
  const sys_days first{std::chrono::year(year) / std::chrono::month(static_cast<unsigned>(month)) /
                       1};
  const unsigned wd = weekday(first).c_encoding();
  int d = 1 + static_cast<int>((static_cast<unsigned>(day) + 7 - wd) % 7) + 7 * (week - 1);
  const unsigned last =
      static_cast<unsigned>((std::chrono::year(year) /
                             std::chrono::month(static_cast<unsigned>(month)) / std::chrono::last)
                                .day());
  while (d > static_cast<int>(last)) d -= 7;  // week 5: the last such day
  return (first.time_since_epoch().count() + (d - 1)) * 86400LL;
}

// Extends `z` with the rule's transitions from the year after its last one up to 2100.
void ApplyRule(const PosixRule& r, core::TimeZone& z) {
  if (!r.has_dst) return;
  using namespace std::chrono;
  const std::int64_t after = z.transitions.empty() ? INT64_MIN : z.transitions.back().utc_seconds;
  int year = 1970;
  if (!z.transitions.empty()) {
    const auto days = sys_days(floor<std::chrono::days>(sys_seconds(seconds(after))));
    year = static_cast<int>(year_month_day(days).year());
  }
  for (; year <= 2100; ++year) {
    // DST starts at a local standard time and ends at a local daylight time.
    const std::int64_t start =
        RuleDay(year, r.start_month, r.start_week, r.start_day) + r.start_time - r.std_offset;
    const std::int64_t end =
        RuleDay(year, r.end_month, r.end_week, r.end_day) + r.end_time - r.dst_offset;
    const std::pair<std::int64_t, std::int32_t> pair[2] = {
        start < end ? std::pair{start, r.dst_offset} : std::pair{end, r.std_offset},
        start < end ? std::pair{end, r.std_offset} : std::pair{start, r.dst_offset}};
    for (const auto& [at, offset] : pair) {
      if (at > after && (z.transitions.empty() || at > z.transitions.back().utc_seconds)) {
        z.transitions.push_back({at, offset});
      }
    }
  }
}

}  // namespace

Result<core::TimeZone> ParseTzif(std::string_view bytes, std::string_view name) {
  if (bytes.size() < 44 || bytes.substr(0, 4) != "TZif") {
    return InvalidArgument("time zone '" + std::string(name) + "': not a TZif file");
  }
  if (bytes[4] < '2') {
    return InvalidArgument("time zone '" + std::string(name) +
                           "': TZif version 1 is not supported; update tzdata");
  }
  Reader r(bytes);
  SB_ASSIGN_OR_RETURN(Counts v1, Header(r, name));
  const std::size_t v1_size = static_cast<std::size_t>(v1.time * 5 + v1.type * 6 + v1.chars +
                                                       v1.leap * 8 + v1.isstd + v1.isut);
  if (!r.Has(v1_size))
    return InvalidArgument("time zone '" + std::string(name) + "': truncated TZif data");
  r.Skip(v1_size);
  SB_ASSIGN_OR_RETURN(Counts c, Header(r, name));
  const std::size_t need =
      static_cast<std::size_t>(c.time * 9 + c.type * 6 + c.chars + c.leap * 12 + c.isstd + c.isut);
  if (!r.Has(need))
    return InvalidArgument("time zone '" + std::string(name) + "': truncated TZif data");
  std::vector<std::int64_t> times(static_cast<std::size_t>(c.time));
  for (auto& t : times) t = r.Be(8);
  std::vector<int> index(static_cast<std::size_t>(c.time));
  for (auto& i : index) i = static_cast<int>(r.Be(1) & 0xff);
  std::vector<std::int32_t> offsets(static_cast<std::size_t>(c.type));
  for (auto& o : offsets) {
    o = static_cast<std::int32_t>(r.Be(4));
    r.Skip(2);  // isdst, designation index
    if (o < -24 * 3600 || o > 24 * 3600) {
      return InvalidArgument("time zone '" + std::string(name) + "': offset out of range");
    }
  }
  core::TimeZone z;
  z.name = std::string(name);
  z.initial_offset_seconds = offsets[0];
  std::int64_t last = INT64_MIN;
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (index[i] >= c.type)
      return InvalidArgument("time zone '" + std::string(name) + "': bad type index");
    if (times[i] <= last)
      return InvalidArgument("time zone '" + std::string(name) + "': transitions out of order");
    last = times[i];
    z.transitions.push_back({times[i], offsets[static_cast<std::size_t>(index[i])]});
  }
  // The footer: "\n<POSIX TZ rule>\n", after the v2 data.
  r.Skip(static_cast<std::size_t>(c.chars + c.leap * 12 + c.isstd + c.isut));  // unused parts
  const std::string_view rest = bytes.substr(std::min(r.pos(), bytes.size()));
  if (rest.size() >= 2 && rest.front() == '\n') {
    const auto end = rest.find('\n', 1);
    if (end != std::string_view::npos) {
      if (auto rule = ParseRule(rest.substr(1, end - 1))) ApplyRule(*rule, z);
    }
  }
  return z;
}

Result<core::TimeZone> LoadZone(std::string_view name, std::string_view root) {
  const bool safe = !name.empty() && name.size() < 64 &&
                    name.find("..") == std::string_view::npos && name.front() != '/' &&
                    name.find_first_not_of(
                        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-/") ==
                        std::string_view::npos;
  if (!safe)
    return InvalidArgument("\"" + std::string(name) +
                           "\" is not a time zone name like Europe/Paris");
  const std::string path = std::string(root) + "/" + std::string(name);
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    std::ifstream probe(std::string(root) + "/UTC");
    if (!probe) {
      return NotFound("no time zone database at " + std::string(root) +
                      ": install the tzdata package");
    }
    return NotFound("unknown time zone \"" + std::string(name) +
                    "\"; use a name like Europe/Paris or America/New_York");
  }
  std::ostringstream ss;
  ss << f.rdbuf();
  return ParseTzif(ss.str(), name);
}

}  // namespace sb::config
