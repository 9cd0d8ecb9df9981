#include "cases/service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "cases/confirmation.h"

namespace sb::cases {
namespace {

constexpr std::int64_t kT0 = 1748822400000;

class CaseServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sb-cases-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = store::OpenStore("sqlite:" + (dir_ / "store.db").string());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    CaseRules rules;
    rules.dispositions[1] = {"resolved", "escalated", "wrong-number"};
    service_ = std::make_unique<CaseService>(*store_, rules);
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  Case OpenOne() {
    auto c = service_->Open(OpenRequest{"alice", kT0, 501, 1, {"P-1001"}, "first words"});
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : Case{};
  }
  std::vector<store::AuditEntry> AuditOf(std::int64_t case_id) {
    store::AuditQuery q;
    q.target = "case:" + std::to_string(case_id);
    return *store_->ReadAudit(q);
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<CaseService> service_;
};

TEST_F(CaseServiceTest, AnAnsweredCallOpensACaseWithAValidConfirmationNumber) {
  Case c = OpenOne();
  EXPECT_EQ(c.status, CaseStatus::kOpen);
  EXPECT_EQ(c.notes, "first words");
  EXPECT_EQ(c.version, 2);
  auto parsed = ParseConfirmationNumber(c.header.confirmation);
  ASSERT_TRUE(parsed.ok()) << c.header.confirmation;
  ASSERT_EQ(c.links.size(), 2u);  // the call and the record from the screen pop
  auto audit = AuditOf(c.header.id);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "case.create");
  EXPECT_EQ(audit[0].call, 501u);
  // Two cases never share a number.
  Case other = OpenOne();
  EXPECT_NE(other.header.confirmation, c.header.confirmation);
}

TEST_F(CaseServiceTest, ChangesAreVersionedWithOldAndNewValues) {
  Case c = OpenOne();
  ChangeRequest ch;
  ch.case_id = c.header.id;
  ch.base_version = c.version;
  ch.user = "alice";
  ch.at_ms = kT0 + 60000;
  ch.call = 501;
  ch.notes = "asked for a duplicate invoice";
  ch.disposition = "resolved";
  ch.status = CaseStatus::kClosed;
  auto closed = service_->Change(ch);
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(closed->status, CaseStatus::kClosed);
  EXPECT_EQ(closed->disposition, "resolved");
  EXPECT_EQ(closed->version, 5);
  const store::CaseEdit& notes = closed->history.back();
  EXPECT_EQ(notes.field, "notes");
  EXPECT_EQ(notes.old_value, "first words");
  EXPECT_EQ(notes.new_value, "asked for a duplicate invoice");
  auto audit = AuditOf(c.header.id);
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[1].action, "case.edit");
  EXPECT_EQ(audit[1].detail, "status,disposition,notes");
}

TEST_F(CaseServiceTest, AStaleEditIsRefusedAndChangesNothing) {
  Case c = OpenOne();
  ChangeRequest a;
  a.case_id = c.header.id;
  a.base_version = c.version;
  a.user = "alice";
  a.at_ms = kT0 + 1;
  a.notes = "alice's notes";
  ASSERT_TRUE(service_->Change(a).ok());
  ChangeRequest b = a;
  b.user = "bob";
  b.notes = "bob's notes, written on the old version";
  auto refused = service_->Change(b);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("reload"), std::string::npos);
  auto now = service_->View(c.header.id, "carol", kT0 + 2, 0);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->notes, "alice's notes");
}

TEST_F(CaseServiceTest, RulesOnDispositionsAndClosing) {
  Case c = OpenOne();
  ChangeRequest ch;
  ch.case_id = c.header.id;
  ch.base_version = c.version;
  ch.user = "alice";
  ch.at_ms = kT0 + 1;
  ch.status = CaseStatus::kClosed;
  auto no_code = service_->Change(ch);
  EXPECT_EQ(no_code.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(no_code.status().message().find("disposition"), std::string::npos);
  ch.disposition = "sold-a-car";
  auto bad_code = service_->Change(ch);
  EXPECT_EQ(bad_code.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_code.status().message().find("resolved, escalated, wrong-number"),
            std::string::npos);
  ch.disposition = "escalated";
  auto closed = service_->Change(ch);
  ASSERT_TRUE(closed.ok());
  // A closed case is changed only by reopening it.
  ChangeRequest late;
  late.case_id = c.header.id;
  late.base_version = closed->version;
  late.user = "bob";
  late.at_ms = kT0 + 2;
  late.notes = "one more thing";
  EXPECT_EQ(service_->Change(late).status().code(), StatusCode::kFailedPrecondition);
  late.status = CaseStatus::kPending;
  EXPECT_EQ(service_->Change(late).status().code(), StatusCode::kFailedPrecondition);
  late.status = CaseStatus::kOpen;
  auto reopened = service_->Change(late);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(reopened->status, CaseStatus::kOpen);
  EXPECT_EQ(reopened->notes, "one more thing");
}

TEST_F(CaseServiceTest, FollowUpsAreAddedAndCompleted) {
  Case c = OpenOne();
  ChangeRequest ch;
  ch.case_id = c.header.id;
  ch.base_version = c.version;
  ch.user = "alice";
  ch.at_ms = kT0 + 1;
  ch.add_followups = {{"call the customer back", kT0 + 86400000, "bob"},
                      {"send the form", kT0 + 2 * 86400000, "alice"}};
  auto with = service_->Change(ch);
  ASSERT_TRUE(with.ok()) << with.status().ToString();
  ASSERT_EQ(with->followups.size(), 2u);
  EXPECT_EQ(with->followups[1].task, "send the form");
  EXPECT_EQ(with->followups[0].due_ms, kT0 + 86400000);
  EXPECT_FALSE(with->followups[0].done);
  ChangeRequest done;
  done.case_id = c.header.id;
  done.base_version = with->version;
  done.user = "bob";
  done.at_ms = kT0 + 2;
  done.complete_followups = {1};
  auto after = service_->Change(done);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->followups[0].done);
  EXPECT_FALSE(after->followups[1].done);
  done.base_version = after->version;
  done.complete_followups = {3};
  EXPECT_EQ(service_->Change(done).status().code(), StatusCode::kNotFound);
  ChangeRequest bad = done;
  bad.complete_followups = {};
  bad.add_followups = {{"", kT0, "bob"}};
  EXPECT_EQ(service_->Change(bad).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(CaseServiceTest, LookUpsByConfirmationNumberAreAuditedAndForgiveTypos) {
  Case c = OpenOne();
  std::string typed = c.header.confirmation;
  for (char& ch : typed) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  auto found = service_->FindByConfirmation(typed, "bob", kT0 + 5, 777);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->header.id, c.header.id);
  auto audit = AuditOf(c.header.id);
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[1].action, "case.view");
  EXPECT_EQ(audit[1].user, "bob");
  EXPECT_EQ(audit[1].call, 777u);
  // One mistyped character is caught by the check character, not looked up.
  std::string wrong = c.header.confirmation;
  wrong[4] = wrong[4] == '1' ? '2' : '1';
  auto miss = service_->FindByConfirmation(wrong, "bob", kT0 + 6, 0);
  EXPECT_EQ(miss.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(AuditOf(c.header.id).size(), 2u);
}

TEST_F(CaseServiceTest, BadInputIsRefusedWithoutWriting) {
  EXPECT_EQ(service_->Open(OpenRequest{"", kT0, 1, 1, {}, ""}).status().code(),
            StatusCode::kInvalidArgument);
  auto bad_notes = service_->Open(OpenRequest{"alice", kT0, 1, 1, {}, "\xc3("});
  EXPECT_EQ(bad_notes.status().code(), StatusCode::kInvalidArgument);
  auto huge = service_->Open(OpenRequest{"alice", kT0, 1, 1, {}, std::string(70000, 'x')});
  EXPECT_EQ(huge.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Info()->cases, 0);
  EXPECT_EQ(service_->View(99, "alice", kT0, 0).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace sb::cases
