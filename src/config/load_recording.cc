// [recording] and each [[queue]]'s `record` -> config::RecordingConfig (config.h).

#include "base/utf8.h"
#include "config/config.h"
#include "config/internal.h"

namespace sb::config::internal {

Status ReadRecording(const std::string& file, const toml::table& root, RecordingConfig* out) {
  const toml::node* first_record = nullptr;  // the first queue that records, for the message
  std::string first_queue;
  SB_RETURN_IF_ERROR(ForEachTable(file, root, "queue", [&](const toml::table& t) -> Status {
    Reader r(file, t, "queue");
    std::string name;
    SB_RETURN_IF_ERROR(r.String("name", &name, true));
    Reader named(file, t, "queue '" + name + "'");
    bool record = false;
    SB_RETURN_IF_ERROR(named.Bool("record", &record));
    if (record) {
      out->queues.insert(name);
      if (first_record == nullptr) {
        first_record = named.Get("record");
        first_queue = name;
      }
    }
    return Status::Ok();
  }));
  if (const toml::node* n = root.get("recording")) {
    const toml::table* t = n->as_table();
    if (t == nullptr) return InvalidArgument(file + ": [recording] must be a table");
    Reader r(file, *t, "recording");
    SB_RETURN_IF_ERROR(r.OnlyKeys({"dir", "min_free_mb", "queue_frames"}));
    SB_RETURN_IF_ERROR(r.String("dir", &out->dir));
    if (out->dir.empty() || out->dir[0] != '/' || out->dir.size() > 1024 ||
        out->dir.find('\0') != std::string::npos) {
      return r.Error(r.Get("dir"), "dir",
                     "expected an absolute directory (e.g. \"/var/lib/switchboard/recordings\")");
    }
    while (out->dir.size() > 1 && out->dir.back() == '/') out->dir.pop_back();
    SB_RETURN_IF_ERROR(r.Int("min_free_mb", 0, 100'000'000, &out->min_free_mb));
    SB_RETURN_IF_ERROR(r.Int("queue_frames", 64, 1'000'000, &out->queue_frames));
  }
  if (first_record != nullptr && out->dir.empty()) {
    Reader r(file, root, "queue '" + first_queue + "'");
    return r.Error(first_record, "record",
                   "needs [recording] dir = \"/absolute/directory\" (where the WAV files go)");
  }
  return Status::Ok();
}

}  // namespace sb::config::internal
