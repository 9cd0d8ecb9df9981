// Records files written to break the import (issue 8): each is refused or rejected with a clear
// reason, at once, and the reason itself is valid UTF-8.

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "base/utf8.h"
#include "directory/import.h"
#include "directory/schema.h"

namespace sb::directory {
namespace {

bool ValidUtf8(const std::string& s) { return IsValidUtf8(s, nullptr); }

TEST(ImportHostile, AHeaderOfAbsurdWidthIsRefusedAtOnce) {
  // Each column was checked against every earlier one: 300,000 columns ran past a minute.
  std::string csv = "id";
  for (int i = 0; i < 300'000; ++i) csv += ",x_" + std::to_string(i);
  csv += "\n1";
  Directory dir;
  auto r = ImportCsv(csv, dir);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("header (line 1): 300001 columns"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("at most 1000"), std::string::npos) << r.status().message();
  EXPECT_EQ(dir.snapshot()->record_count(), 0u);
}

TEST(ImportHostile, AJsonLineWithTooManyKeysIsRejectedNotTheFile) {
  std::string line = R"({"id":"a","fields":{)";
  for (int i = 0; i < 5000; ++i) line += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
  line += "}}\n{\"id\":\"b\"}\n";
  Directory dir;
  auto r = ImportJsonLines(line, dir);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->rejects.size(), 1u);
  EXPECT_EQ(r->rejects[0].line, 1u);
  EXPECT_NE(r->rejects[0].reason.find("5001 keys"), std::string::npos) << r->rejects[0].reason;
  EXPECT_EQ(r->applied.inserted, 1u);
}

TEST(ImportHostile, APhoneErrorQuotesTheWholeCharacter) {
  // It printed one byte of "é": the reason was itself invalid UTF-8.
  Directory dir;
  auto r = ImportCsv("id,phone\n1,+33 6 12 é 45\n2,+33 6 12 📞 45\n", dir);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->rejects.size(), 2u);
  EXPECT_NE(r->rejects[0].reason.find("not 'é'"), std::string::npos) << r->rejects[0].reason;
  EXPECT_NE(r->rejects[1].reason.find("not '📞'"), std::string::npos) << r->rejects[1].reason;
  for (const Reject& j : r->rejects) EXPECT_TRUE(ValidUtf8(j.reason)) << j.reason;
  // A caller number from the network is not checked first: its bad bytes are escaped.
  auto e = NormalizeE164("+33 6\xff", {});
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("not '\\xff'"), std::string::npos) << e.status().message();
}

TEST(ImportHostile, AnUnknownColumnOfBrokenBytesIsQuotedReadably) {
  Directory dir;
  auto r = ImportCsv("id,na\xffme\x1b[2J\n1,x\n", dir);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(ValidUtf8(r.status().message())) << r.status().message();
  EXPECT_NE(r.status().message().find("unknown column 'na\\xffme\\x1b[2J'"), std::string::npos)
      << r.status().message();
}

TEST(ImportHostile, FileLevelErrorsLeaveThePathToTheCaller) {
  // The command line put the path in front and so did ImportFile: "a.csv: a.csv: header ...".
  const std::string path = ::testing::TempDir() + "/import_hostile_typo.csv";
  {
    std::ofstream f(path);
    f << "id,nmae\n1,x\n";
  }
  Directory dir;
  auto r = ImportFile(path, dir);
  auto missing = ImportFile(path + ".none", dir);
  std::remove(path.c_str());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("header (line 1): unknown column 'nmae'", 0), 0u)
      << r.status().message();
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message().find(path), std::string::npos) << missing.status().message();
  EXPECT_NE(missing.status().message().find("cannot open"), std::string::npos);
}

TEST(ImportHostile, JsonSyntaxErrorsSayWhereWithoutTheLibrarysTag) {
  Directory dir;
  auto r = ImportJsonLines("{\"id\":\"a\",\"name\":tru}\n", dir);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->rejects.size(), 1u);
  const std::string& why = r->rejects[0].reason;
  EXPECT_EQ(why.find("json.exception"), std::string::npos) << why;
  EXPECT_NE(why.find("invalid JSON at column 21"), std::string::npos) << why;
}

}  // namespace
}  // namespace sb::directory
