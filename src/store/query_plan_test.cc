// The store's hot statements use an index, not a scan of a table that grows with age: on
// SQLite, EXPLAIN QUERY PLAN of each must name an index for the tables that grow.

#include <gtest/gtest.h>

#include <filesystem>

#include "store/connection.h"
#include "store/store.h"
#include "store/testing/temp_dir.h"

namespace sb::store {
namespace {

std::string Plan(Connection& db, const std::string& sql) {
  auto rows = db.Query("EXPLAIN QUERY PLAN " + sql, {});
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  std::string out;
  if (!rows.ok()) return out;
  for (const Row& r : *rows) out += AsText(r.back()) + "\n";
  return out;
}

// Each CDR takes the disposition of its call's case (PutCdr): a scan of every case ever
// opened per call would make a year-old store slower to write than a new one.
TEST(QueryPlan, ACdrFindsItsCallsCaseByIndex) {
  const std::string dir = testing::TempDir("plan");
  const std::string path = dir + "/store.db";
  {
    auto s = OpenStore("sqlite:" + path);  // migrated to the latest schema
    ASSERT_TRUE(s.ok()) << s.status().ToString();
  }
  auto db = OpenSqlite(path);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  const std::string plan = Plan(**db,
                                "SELECT e.new_value FROM case_edits e JOIN cases k ON k.id = "
                                "e.case_id WHERE k.call_id = 7 AND e.field = 'disposition' "
                                "ORDER BY e.case_id DESC, e.version DESC LIMIT 1");
  EXPECT_NE(plan.find("cases_call"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("SCAN k"), std::string::npos) << plan;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sb::store
