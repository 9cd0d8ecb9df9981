#include "directory/import.h"

#include "directory/csv_scanner.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

namespace sb::directory {
namespace {

std::string Reasons(const ImportReport& r) {
  std::ostringstream out;
  WriteRejects(r, out);
  return out.str();
}

const Reject* RejectAt(const ImportReport& r, std::size_t line) {
  for (const Reject& j : r.rejects) {
    if (j.line == line) return &j;
  }
  return nullptr;
}

TEST(Import, FixtureFileLoadsWithTypedKeysAndFreeFormFields) {
  Directory dir;
  std::vector<std::uint64_t> progress;
  auto report = ImportFile(SB_SOURCE_DIR "/src/directory/testdata/records.csv", dir, {},
                           [&](ImportStage stage, std::uint64_t done, std::uint64_t total) {
                             EXPECT_LE(done, total);
                             if (stage == ImportStage::kReading) progress.push_back(done);
                           });
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->rows, 7u);
  EXPECT_EQ(report->rejected, 0u) << Reasons(*report);
  EXPECT_EQ(report->applied.inserted, 7u);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), report->bytes);
  EXPECT_EQ(dir.snapshot()->record_count(), 7u);

  auto marie = dir.FindById("C-1001");
  ASSERT_TRUE(marie);
  EXPECT_EQ(marie->phones, (std::vector<std::string>{"+33612345678", "+33123456789"}));
  EXPECT_EQ(marie->birth_date, "1984-02-29");
  EXPECT_EQ(marie->partner_id, "P-ACME");
  EXPECT_EQ(marie->segment, "gold");
  auto acme = dir.FindById("P-ACME");
  ASSERT_TRUE(acme);
  EXPECT_EQ(acme->kind, RecordKind::kPartner);
  EXPECT_EQ(acme->trunks, (std::vector<std::string>{"trunk-acme", "trunk-acme-2"}));
  EXPECT_EQ(acme->FieldValue("contract"), "C-1");
  EXPECT_EQ(dir.FindById("C-1005")->FieldValue("contract"), "note with \"quotes\"");
  EXPECT_EQ(dir.FindById("C-1004")->name, "Dupond, Marie");
}

TEST(Import, EveryRejectionReasonWithItsLine) {
  const std::string big(5000, 'x');
  const std::string csv =
      "id,name,phone,birth_date,kind,pins\n"  // line 1
      "a1,Ann,0612345678,2000-01-31,,\n"      // 2 ok
      "a2,Bad \xC3\x28 utf,,,,\n"             // 3 invalid UTF-8
      "a3," +
      big +
      ",,,,\n"                             // 4 oversized
      "a4,Dee,,2023-02-29,,\n"             // 5 bad date (not a leap year)
      "a5,Eve,call me,,,\n"                // 6 unparseable phone
      ",Fay,,,,\n"                         // 7 missing id
      "a1,Gus,,,,\n"                       // 8 duplicate id
      "a9,\"Hal\n"                         // 9 unterminated quote (resumes on 10)
      "b1,Ivy,,,\n"                        // 10 wrong column count
      "b2,Jo,,,robot,\n"                   // 11 bad kind
      "b3,Kim,,,partner,12ab\n"            // 12 bad PIN
      "b4,Lea,,,,99\n"                     // 13 PIN on a person (and too short)
      "b5,M\"x,,,,\n"                      // 14 stray quote
      "b6,Ned,0612345678,1999-12-31,,\n";  // 15 ok
  Directory dir;
  auto report = ImportCsv(csv, dir);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->rows, 14u);
  EXPECT_EQ(report->applied.inserted, 2u) << Reasons(*report);
  EXPECT_EQ(report->rejected, 12u) << Reasons(*report);
  auto reason = [&](std::size_t line) {
    const Reject* r = RejectAt(*report, line);
    return r ? r->reason : std::string("(no reject on line ") + std::to_string(line) + ")";
  };
  EXPECT_NE(reason(3).find("invalid UTF-8 in column 'name' at byte 5"), std::string::npos);
  EXPECT_NE(reason(4).find("5000 bytes, over the 4096-byte limit"), std::string::npos);
  EXPECT_NE(reason(5).find("birth_date '2023-02-29'"), std::string::npos);
  EXPECT_NE(reason(6).find("phone 'call me'"), std::string::npos);
  EXPECT_EQ(reason(7), "missing id");
  EXPECT_NE(reason(8).find("duplicate id 'a1' in the file (first on line 2"), std::string::npos);
  EXPECT_EQ(reason(9), "unterminated quote");
  EXPECT_EQ(reason(10), "expected 6 columns, found 5");
  EXPECT_NE(reason(11).find("kind must be person or partner"), std::string::npos);
  EXPECT_NE(reason(12).find("pin '12ab'"), std::string::npos);
  EXPECT_FALSE(RejectAt(*report, 13) == nullptr);
  EXPECT_EQ(reason(14), "quote inside an unquoted field");
  // Rejects come by line, and rejected rows left nothing behind.
  for (std::size_t i = 1; i < report->rejects.size(); ++i) {
    EXPECT_LT(report->rejects[i - 1].line, report->rejects[i].line);
  }
  EXPECT_EQ(dir.FindById("a1")->name, "Ann");  // the first of the duplicates wins
  EXPECT_TRUE(dir.FindById("b6"));
  for (const char* id : {"a2", "a3", "a4", "a5", "a9", "b1", "b2", "b3", "b4", "b5"}) {
    EXPECT_FALSE(dir.FindById(id)) << id;
  }
  EXPECT_TRUE(dir.FindByPhone("+33612345678").size() == 2);
  EXPECT_TRUE(dir.Search("Gus").empty());
  EXPECT_EQ(dir.snapshot()->record_count(), 2u);
}

TEST(Import, UnknownColumnRejectsTheFileAndAppliesNothing) {
  Directory dir;
  auto report = ImportCsv("id,name,phnoe\n1,Ann,0612345678\n", dir);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find("unknown column 'phnoe'"), std::string::npos);
  EXPECT_NE(report.status().message().find("start with 'x_'"), std::string::npos);
  EXPECT_EQ(dir.snapshot()->record_count(), 0u);
  EXPECT_EQ(dir.snapshot()->version(), 0u);

  ImportOptions declared;
  declared.free_form_columns = {"contract"};
  report = ImportCsv("id,contract,x_colour\n1,K-9,blue\n", dir, declared);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(dir.FindById("1")->fields,
            (std::vector<Field>{{"contract", "K-9"}, {"colour", "blue"}}));

  EXPECT_FALSE(ImportCsv("name\nAnn\n", dir).ok());        // no id column
  EXPECT_FALSE(ImportCsv("id,phone,phones\n", dir).ok());  // repeated column
  EXPECT_FALSE(ImportCsv("", dir).ok());                   // empty file
  EXPECT_FALSE(ImportCsv("id,\"name\n", dir).ok());        // broken header
  EXPECT_FALSE(ImportFile("/nonexistent/file.csv", dir).ok());
}

TEST(Import, UpsertReplacesWholeRecordsAndDeletesRemove) {
  Directory dir;
  ASSERT_TRUE(ImportCsv("id,name,phone,x_note\n1,Ann Lee,0611111111,first\n2,Bob Ray,0622222222,\n"
                        "3,Cy Moe,0633333333,\n",
                        dir)
                  .ok());
  auto report = ImportCsv(
      "id,op,name,phone\n1,,Ann Leigh,0644444444\n2,delete,,\n9,delete,,\n"
      "4,upsert,Dan Roe,\n",
      dir);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->applied.updated, 1u);
  EXPECT_EQ(report->applied.inserted, 1u);
  EXPECT_EQ(report->applied.deleted, 1u);
  EXPECT_EQ(report->applied.delete_missing, 1u);
  EXPECT_EQ(report->applied.version, 2u);
  EXPECT_EQ(dir.snapshot()->record_count(), 3u);
  auto ann = dir.FindById("1");
  ASSERT_TRUE(ann);
  EXPECT_EQ(ann->name, "Ann Leigh");
  EXPECT_TRUE(ann->fields.empty());                      // replaced whole: the old note is gone
  EXPECT_TRUE(dir.FindByPhone("+33611111111").empty());  // old number no longer indexed
  EXPECT_EQ(dir.FindByPhone("+33644444444").size(), 1u);
  EXPECT_FALSE(dir.FindById("2"));
  EXPECT_TRUE(dir.FindByPhone("+33622222222").empty());
  EXPECT_TRUE(dir.Search("Bob Ray").empty());
  EXPECT_EQ(dir.Search("Ann Leigh").size(), 1u);
  EXPECT_TRUE(dir.FindById("4"));
  // A deleted id comes back with a later upsert.
  ASSERT_TRUE(ImportCsv("id,name\n2,Bob Again\n", dir).ok());
  EXPECT_EQ(dir.FindById("2")->name, "Bob Again");
  EXPECT_EQ(dir.snapshot()->record_count(), 4u);
}

TEST(Import, JsonLinesSharesTheSchemaAndReportsBadLines) {
  const std::string jsonl =
      R"({"id":"p1","kind":"partner","name":"Acme","trunks":["t1","t2"],"pins":[1234]})"
      "\n"
      R"({"id":"c1","name":"Marie Dupont","phone":["06 12 34 56 78","+33123456789"],)"
      R"("partner_id":"p1","fields":{"tier":"A","age":42}})"
      "\n"
      "\n"
      R"({"id":"c2","name":"broken")"
      "\n"
      R"(["not","an","object"])"
      "\n"
      R"({"id":"c3","colour":"red"})"
      "\n"
      R"({"id":"c4","birth_date":"1990-13-01"})"
      "\n"
      "{\"id\":\"c5\",\"name\":\"bad \xff\"}\n"
      R"({"id":"c6","name":{"nested":true}})"
      "\n"
      R"({"id":"c1","name":"again"})"
      "\n"
      R"({"id":"c7","op":"delete"})";
  Directory dir;
  auto report = ImportJsonLines(jsonl, dir);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->rows, 10u);
  EXPECT_EQ(report->applied.inserted, 2u) << Reasons(*report);
  EXPECT_EQ(report->applied.delete_missing, 1u);
  ASSERT_EQ(report->rejected, 7u) << Reasons(*report);
  EXPECT_EQ(report->rejects[0].line, 4u);
  EXPECT_EQ(report->rejects[0].reason.rfind("invalid JSON at column ", 0), 0u)
      << report->rejects[0].reason;
  EXPECT_EQ(report->rejects[1].reason, "a line must hold one JSON object");
  EXPECT_NE(report->rejects[2].reason.find("unknown column 'colour'"), std::string::npos);
  EXPECT_NE(report->rejects[3].reason.find("birth_date"), std::string::npos);
  EXPECT_NE(report->rejects[4].reason.find("invalid UTF-8"), std::string::npos);
  EXPECT_NE(report->rejects[5].reason.find("key 'name' must be a string"), std::string::npos);
  EXPECT_EQ(report->rejects[6].line, 10u);
  EXPECT_NE(report->rejects[6].reason.find("duplicate id 'c1'"), std::string::npos);
  auto c1 = dir.FindById("c1");
  ASSERT_TRUE(c1);
  EXPECT_EQ(c1->phones.size(), 2u);
  EXPECT_EQ(c1->FieldValue("age"), "42");
  EXPECT_EQ(dir.FindById("p1")->pins, (std::vector<std::string>{"1234"}));
}

TEST(Import, ImportFileChoosesJsonLinesByExtension) {
  const std::string path = ::testing::TempDir() + "/directory_import_test.jsonl";
  {
    std::ofstream f(path);
    f << R"({"id":"x1","name":"Zoé Laurent"})"
      << "\n";
  }
  Directory dir;
  auto report = ImportFile(path, dir);
  std::remove(path.c_str());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->applied.inserted, 1u);
  EXPECT_EQ(dir.FindById("x1")->name, "Zoé Laurent");
}

TEST(Import, ProgressIsMonotonicOverSeveralChunksAndRejectsAreCapped) {
  // ~6 MiB: two progress steps of 4 MiB cannot both fit, so at least one mid-way call.
  std::string csv = "id,name,x_pad\n";
  const std::string pad(300, 'p');
  for (int i = 0; i < 20000; ++i) {
    csv += (i % 1000 == 0 ? std::string() : "id" + std::to_string(i)) + ",Name " +
           std::to_string(i) + "," + pad + "\n";
  }
  std::vector<std::uint64_t> done;
  ImportOptions options;
  options.max_rejects_kept = 10;
  Directory dir;
  auto report =
      ImportCsv(csv, dir, options, [&](ImportStage stage, std::uint64_t d, std::uint64_t total) {
        if (stage != ImportStage::kReading) return;  // then the index steps (directory_test.cc)
        EXPECT_EQ(total, csv.size());
        if (!done.empty()) {
          EXPECT_GE(d, done.back());
        }
        done.push_back(d);
      });
  ASSERT_TRUE(report.ok());
  EXPECT_GE(done.size(), 2u);
  EXPECT_LT(done.front(), csv.size());
  EXPECT_EQ(done.back(), csv.size());
  EXPECT_EQ(report->rejected, 20u);  // every 1000th row has no id
  EXPECT_EQ(report->rejects.size(), 10u);
  EXPECT_EQ(report->rejects[0].line, 2u);
  std::ostringstream out;
  WriteRejects(*report, out);
  EXPECT_NE(out.str().find("10 more rejected rows not listed"), std::string::npos);
  EXPECT_EQ(dir.snapshot()->record_count(), 20000u - 20u);
}

TEST(Import, AQuotedFieldBeyondTheScanLimitIsUnterminatedAndNotFatal) {
  std::string csv =
      "id,name\n1,\"" + std::string(CsvScanner::kMaxQuotedSpan + 10, 'x') + "\"\n2,Bob\n";
  Directory dir;
  auto report = ImportCsv(csv, dir);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->rejected, 1u);
  EXPECT_EQ(report->rejects[0].line, 2u);
  EXPECT_EQ(report->rejects[0].reason, "unterminated quote");
  EXPECT_TRUE(dir.FindById("2"));
}

TEST(Import, RandomGarbageNeverCrashes) {
  std::mt19937 rng(11);
  const char alphabet[] = {'a', '1', ',', '"', '\n', ';', '+', '-', '\xC3', '\xA9', '{', '}', ':'};
  Directory dir;
  for (int i = 0; i < 300; ++i) {
    std::string s = "id,name,phone,birth_date\n";
    const std::size_t n = rng() % 200;
    for (std::size_t k = 0; k < n; ++k) s += alphabet[rng() % sizeof(alphabet)];
    auto csv = ImportCsv(s, dir);
    ASSERT_TRUE(csv.ok());
    EXPECT_EQ(csv->rows, csv->rejected + csv->applied.inserted + csv->applied.updated +
                             csv->applied.deleted + csv->applied.delete_missing);
    auto jsonl = ImportJsonLines(s, dir);
    ASSERT_TRUE(jsonl.ok());
  }
}

}  // namespace
}  // namespace sb::directory
