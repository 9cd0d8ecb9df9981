#pragma once
// Administration queries of the SQL store (sql_admin.cc), shared by both back ends. Internal to
// the store module. Thread safety: the connection's (one thread).

#include "base/result.h"
#include "store/connection.h"
#include "store/store.h"

namespace sb::store {

// Row counts of every table, the schema version and the newest checkpoint's seq.
Result<StoreInfo> ReadStoreInfo(Connection& db);
// Deletes what `policy` says has expired at report.at_ms and audits the purge; fills the counts
// of `report`. Call inside a transaction.
Status PurgeRows(Connection& db, const RetentionPolicy& policy, PurgeReport& report);

}  // namespace sb::store
