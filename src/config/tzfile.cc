#include "config/tzfile.h"

#include <fstream>
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
  if (!r.Has(44)) return InvalidArgument("time zone '" + std::string(name) + "': truncated TZif header");
  r.Skip(20);  // magic, version, reserved (checked by the caller)
  Counts c{r.Be(4), r.Be(4), r.Be(4), r.Be(4), r.Be(4), r.Be(4)};
  if (c.isut < 0 || c.isstd < 0 || c.leap < 0 || c.time < 0 || c.type <= 0 || c.chars < 0 ||
      c.time > 100000 || c.type > 256 || c.chars > 65536 || c.leap > 10000 || c.isut > 256 || c.isstd > 256) {
    return InvalidArgument("time zone '" + std::string(name) + "': implausible TZif counts");
  }
  return c;
}

}  // namespace

Result<core::TimeZone> ParseTzif(std::string_view bytes, std::string_view name) {
  if (bytes.size() < 44 || bytes.substr(0, 4) != "TZif") {
    return InvalidArgument("time zone '" + std::string(name) + "': not a TZif file");
  }
  if (bytes[4] < '2') {
    return InvalidArgument("time zone '" + std::string(name) + "': TZif version 1 is not supported; update tzdata");
  }
  Reader r(bytes);
  SB_ASSIGN_OR_RETURN(Counts v1, Header(r, name));
  const std::size_t v1_size = static_cast<std::size_t>(v1.time * 5 + v1.type * 6 + v1.chars + v1.leap * 8 + v1.isstd + v1.isut);
  if (!r.Has(v1_size)) return InvalidArgument("time zone '" + std::string(name) + "': truncated TZif data");
  r.Skip(v1_size);
  SB_ASSIGN_OR_RETURN(Counts c, Header(r, name));
  const std::size_t need = static_cast<std::size_t>(c.time * 9 + c.type * 6 + c.chars + c.leap * 12 + c.isstd + c.isut);
  if (!r.Has(need)) return InvalidArgument("time zone '" + std::string(name) + "': truncated TZif data");
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
    if (index[i] >= c.type) return InvalidArgument("time zone '" + std::string(name) + "': bad type index");
    if (times[i] <= last) return InvalidArgument("time zone '" + std::string(name) + "': transitions out of order");
    last = times[i];
    z.transitions.push_back({times[i], offsets[static_cast<std::size_t>(index[i])]});
  }
  return z;
}

Result<core::TimeZone> LoadZone(std::string_view name, std::string_view root) {
  const bool safe = !name.empty() && name.size() < 64 && name.find("..") == std::string_view::npos &&
                    name.front() != '/' &&
                    name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-/") ==
                        std::string_view::npos;
  if (!safe) return InvalidArgument("\"" + std::string(name) + "\" is not a time zone name like Europe/Paris");
  const std::string path = std::string(root) + "/" + std::string(name);
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    std::ifstream probe(std::string(root) + "/UTC");
    if (!probe) {
      return NotFound("no time zone database at " + std::string(root) + ": install the tzdata package");
    }
    return NotFound("unknown time zone \"" + std::string(name) + "\"; use a name like Europe/Paris or America/New_York");
  }
  std::ostringstream ss;
  ss << f.rdbuf();
  return ParseTzif(ss.str(), name);
}

}  // namespace sb::config
