#include "directory/csv_scanner.h"

#include <gtest/gtest.h>

#include <random>

namespace sb::directory {
namespace {

using Fields = std::vector<std::string>;

struct Scanned {
  std::size_t line;
  CsvError error;
  Fields fields;
};

std::vector<Scanned> ScanAll(std::string_view data) {
  CsvScanner scanner(data);
  CsvRow row;
  std::vector<Scanned> out;
  while (scanner.Next(&row)) {
    out.push_back({row.line, row.error, Fields(row.fields.begin(), row.fields.end())});
  }
  return out;
}

TEST(CsvScanner, PlainRowsWithLfAndCrlf) {
  const auto rows = ScanAll("a,b,c\r\n1,2,3\n4,,6");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].fields, (Fields{"a", "b", "c"}));
  EXPECT_EQ(rows[1].fields, (Fields{"1", "2", "3"}));
  EXPECT_EQ(rows[2].fields, (Fields{"4", "", "6"}));
  EXPECT_EQ(rows[2].line, 3u);
}

TEST(CsvScanner, QuotedFieldsWithCommasQuotesAndNewlines) {
  const auto rows =
      ScanAll("id,note\n1,\"a, b\"\n2,\"say \"\"hi\"\"\"\n3,\"two\nlines\"\n4,\"\"\n");
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[1].fields, (Fields{"1", "a, b"}));
  EXPECT_EQ(rows[2].fields, (Fields{"2", "say \"hi\""}));
  EXPECT_EQ(rows[3].fields, (Fields{"3", "two\nlines"}));
  EXPECT_EQ(rows[3].line, 4u);
  EXPECT_EQ(rows[4].fields, (Fields{"4", ""}));
  EXPECT_EQ(rows[4].line, 6u);  // the embedded newline counted
}

TEST(CsvScanner, TwoDoubledQuoteFieldsInOneRowStayApart) {
  const auto rows = ScanAll("\"a\"\"b\",\"c\"\"d\",e");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fields, (Fields{"a\"b", "c\"d", "e"}));
}

TEST(CsvScanner, TrailingCommaEmptyFieldAndBlankLinesAndBom) {
  const auto rows = ScanAll("\xEF\xBB\xBFid,x\n\n1,\n\r\n2,\"\"\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].fields, (Fields{"id", "x"}));
  EXPECT_EQ(rows[1].fields, (Fields{"1", ""}));
  EXPECT_EQ(rows[1].line, 3u);
  EXPECT_EQ(rows[2].fields, (Fields{"2", ""}));
  EXPECT_EQ(rows[2].line, 5u);
}

TEST(CsvScanner, UnterminatedQuoteLosesOneRowOnly) {
  const auto rows = ScanAll("id,n\n1,\"open\n2,b\n3,c\n");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1].error, CsvError::kUnterminatedQuote);
  EXPECT_EQ(rows[1].line, 2u);
  EXPECT_EQ(rows[2].fields, (Fields{"2", "b"}));
  EXPECT_EQ(rows[2].line, 3u);
  EXPECT_EQ(rows[3].fields, (Fields{"3", "c"}));
  EXPECT_EQ(rows[3].line, 4u);
}

TEST(CsvScanner, StrayQuotesAreErrorsAndScanningResumes) {
  const auto rows = ScanAll("1,ab\"c\n2,\"x\"y\n3,ok\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].error, CsvError::kQuoteInUnquotedField);
  EXPECT_EQ(rows[1].error, CsvError::kTextAfterQuote);
  EXPECT_EQ(rows[1].line, 2u);
  EXPECT_EQ(rows[2].fields, (Fields{"3", "ok"}));
  EXPECT_EQ(rows[2].line, 3u);
}

TEST(CsvScanner, StrayOpeningQuotePairedWithALaterStrayQuoteLosesOneRow) {
  const auto rows = ScanAll("1,\"open\n2,b\n3,x\"y\n4,d\n");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].error, CsvError::kUnterminatedQuote);
  EXPECT_EQ(rows[1].fields, (Fields{"2", "b"}));
  EXPECT_EQ(rows[2].error, CsvError::kQuoteInUnquotedField);
  EXPECT_EQ(rows[2].line, 3u);
  EXPECT_EQ(rows[3].fields, (Fields{"4", "d"}));
}

TEST(CsvScanner, RandomBytesNeverCrashAndAlwaysAdvance) {
  std::mt19937 rng(7);
  const char alphabet[] = {'a', ',', '"', '\n', '\r', 'x', ' ', '\xC3'};
  for (int i = 0; i < 3000; ++i) {
    std::string s(rng() % 60, 'a');
    for (char& c : s) c = alphabet[rng() % sizeof(alphabet)];
    CsvScanner scanner(s);
    CsvRow row;
    std::size_t rows = 0, last = 0;
    while (scanner.Next(&row)) {
      ASSERT_GT(row.end_offset, last);
      last = row.end_offset;
      ASSERT_LE(++rows, s.size());
      for (std::string_view f : row.fields) ASSERT_LE(f.size(), s.size());
    }
  }
}

}  // namespace
}  // namespace sb::directory
