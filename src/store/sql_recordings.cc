// The recordings table: one row per WAV file telephony wrote, purged with its file.

#include "store/sql_recordings.h"

#include <cerrno>
#include <cstdio>

namespace sb::store {

Status Validate(const Recording& r) {
  SB_RETURN_IF_ERROR(CheckText("recording path", r.path));
  SB_RETURN_IF_ERROR(CheckText("recording queue", r.queue));
  SB_RETURN_IF_ERROR(CheckText("recording agent", r.agent));
  if (r.path.empty() || r.path[0] != '/') {
    return InvalidArgument("recording path: expected an absolute path, got '" +
                           SanitizeText(r.path, 256) + "'");
  }
  if (r.duration_ms < 0 || r.bytes < 0) {
    return InvalidArgument("recording: duration and bytes must not be negative");
  }
  return Status::Ok();
}

Result<std::int64_t> InsertRecording(Connection& db, const Recording& r) {
  SB_RETURN_IF_ERROR(Validate(r));
  const SqlValue p[] = {static_cast<std::int64_t>(r.contact),
                        r.path,
                        r.started_ms,
                        r.duration_ms,
                        r.bytes,
                        r.queue,
                        r.agent,
                        std::int64_t{r.cut_short ? 1 : 0}};
  SB_ASSIGN_OR_RETURN(auto rows,
                      db.Query("INSERT INTO recordings (contact, path, started_ms, duration_ms, "
                               "bytes, queue_name, agent, cut_short) VALUES (?, ?, ?, ?, ?, ?, ?, "
                               "?) RETURNING id",
                               p));
  if (rows.empty()) return Internal("recordings: INSERT returned no id");
  return AsInt(rows[0][0]);
}

Result<std::vector<Recording>> QueryRecordings(Connection& db, Time from, Time to) {
  const SqlValue p[] = {ToMillis(from), ToMillis(to)};
  SB_ASSIGN_OR_RETURN(auto rows, db.Query("SELECT id, contact, path, started_ms, duration_ms, "
                                          "bytes, queue_name, agent, cut_short FROM recordings "
                                          "WHERE started_ms >= ? AND started_ms < ? ORDER BY "
                                          "started_ms, id",
                                          p));
  std::vector<Recording> out;
  out.reserve(rows.size());
  for (const Row& row : rows) {
    Recording r;
    r.id = AsInt(row[0]);
    r.contact = static_cast<std::uint64_t>(AsInt(row[1]));
    r.path = AsText(row[2]);
    r.started_ms = AsInt(row[3]);
    r.duration_ms = AsInt(row[4]);
    r.bytes = AsInt(row[5]);
    r.queue = AsText(row[6]);
    r.agent = AsText(row[7]);
    r.cut_short = AsInt(row[8]) != 0;
    out.push_back(std::move(r));
  }
  return out;
}

Status PurgeRecordingRows(Connection& db, std::int64_t horizon_ms, PurgeReport& report) {
  const SqlValue p[] = {horizon_ms};
  SB_ASSIGN_OR_RETURN(auto rows, db.Query("SELECT path FROM recordings WHERE started_ms < ?", p));
  SB_ASSIGN_OR_RETURN(auto ignored, db.Query("DELETE FROM recordings WHERE started_ms < ?", p));
  (void)ignored;
  report.recordings = db.Changes();
  report.recording_files.clear();
  for (const Row& r : rows) report.recording_files.push_back(AsText(r[0]));
  return Status::Ok();
}

void RemoveRecordingFiles(PurgeReport& report) {
  for (const std::string& f : report.recording_files) {
    if (std::remove(f.c_str()) != 0) ++report.recording_files_failed;
  }
}

}  // namespace sb::store
