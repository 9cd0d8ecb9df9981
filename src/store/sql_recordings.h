#pragma once
// The recordings table (sql_recordings.cc), shared by both back ends. Internal to the store
// module. Thread safety: the connection's (one thread).

#include <vector>

#include "base/result.h"
#include "store/connection.h"
#include "store/store.h"

namespace sb::store {

// Validates and inserts one row; its id.
Result<std::int64_t> InsertRecording(Connection& db, const Recording& r);
Result<std::vector<Recording>> QueryRecordings(Connection& db, Time from, Time to);
// Inside the purge's transaction: deletes the rows that started before `horizon_ms`, counting
// them in report.recordings and listing their files in report.recording_files.
Status PurgeRecordingRows(Connection& db, std::int64_t horizon_ms, PurgeReport& report);
// After the purge committed: deletes report.recording_files, counting those it could not.
void RemoveRecordingFiles(PurgeReport& report);

}  // namespace sb::store
