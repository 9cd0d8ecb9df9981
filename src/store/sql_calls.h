#pragma once
// The cdrs and call_details tables of the SQL store (sql_calls.cc), shared by both back ends.
// Internal to the store module. Thread safety: the connection's (one thread).

#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "store/connection.h"
#include "store/store.h"

namespace sb::store {

// Inserts or replaces each by contact. Call inside the batch's transaction.
Status PutCallDetails(Connection& db, const std::vector<CallDetail>& calls);
Result<std::vector<CallDetail>> ReadCallDetails(Connection& db, Time from, Time to);
// Inserts or updates the CDR of c.contact. Call inside the batch's transaction.
Status PutCdr(Connection& db, const Cdr& c);
Result<std::vector<Cdr>> ReadCdrs(Connection& db, Time from, Time to);

}  // namespace sb::store
