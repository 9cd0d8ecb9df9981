#pragma once
// Versioned schema migrations, applied in order at start inside one transaction each. A database
// whose schema is newer than this binary knows is refused (an older binary must not write to a
// schema it does not understand). docs/design/store-schema.md describes the tables.

#include "base/result.h"
#include "store/connection.h"

namespace sb::store {

// The schema version this binary writes.
int LatestSchemaVersion();

// Brings the database to LatestSchemaVersion(); returns the version found before. Several
// processes may start at once against PostgreSQL: an advisory lock serialises them.
Result<int> Migrate(Connection& db);

}  // namespace sb::store
