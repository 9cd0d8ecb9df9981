#include "directory/directory.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "directory/import.h"
#include "directory/internal/segment.h"

namespace sb::directory {
namespace {

// The fixture: two partners, their contacts, and a crowd of namesakes for ranking.
Directory& Fixture() {
  static Directory* dir = [] {
    auto* d = new Directory;
    auto report = ImportFile(SB_SOURCE_DIR "/src/directory/testdata/records.csv", *d);
    EXPECT_TRUE(report.ok() && report->rejected == 0);
    return d;
  }();
  return *dir;
}

std::vector<std::string> Ids(const std::vector<SearchHit>& hits) {
  std::vector<std::string> ids;
  for (const auto& h : hits) ids.push_back(h.record.id);
  return ids;
}

Record Person(std::string id, std::string name, std::vector<std::string> phones = {}) {
  Record r;
  r.id = std::move(id);
  r.name = std::move(name);
  r.phones = std::move(phones);
  return r;
}

TEST(Lookup, ByIdAndByPhone) {
  Directory& dir = Fixture();
  EXPECT_EQ(dir.FindById("C-1003")->name, "Jean-Pierre Martin");
  EXPECT_FALSE(dir.FindById("C-9999"));
  EXPECT_FALSE(dir.FindById(""));
  const auto by_phone = dir.FindByPhone("+33123456789");
  ASSERT_EQ(by_phone.size(), 1u);
  EXPECT_EQ(by_phone[0].id, "C-1001");
  EXPECT_TRUE(dir.FindByPhone("+33999999999").empty());
  EXPECT_TRUE(dir.FindByPhone("not a number").empty());
}

TEST(Search, FindsTyposTranspositionsMissingAccentsAndSwappedWords) {
  Directory& dir = Fixture();
  for (const char* query : {"Marie Dupomt", "Marie Dupnot", "Maire Dupont", "Elodie Lefevre",
                            "lefevre elodie", "ÉLODIE LEFÈVRE", "Dupont Marie", "Hans Mueller"}) {
    const auto hits = dir.Search(query);
    ASSERT_FALSE(hits.empty()) << query;
    const std::string want = std::string(query).find("odie") != std::string::npos ||
                                     std::string(query).find("ODIE") != std::string::npos
                                 ? "C-1002"
                             : std::string(query).find("Hans") != std::string::npos ? "C-1005"
                                                                                    : "C-1001";
    EXPECT_EQ(hits[0].record.id, want) << query;
    EXPECT_GE(hits[0].score, 0.8) << query;
    EXPECT_LE(hits[0].score, 1.0) << query;
  }
  EXPECT_TRUE(dir.Search("Zbigniew Quux").empty());
  Directory short_names;
  ASSERT_TRUE(short_names.Upsert({Person("r1", "Léa Roux"), Person("r2", "Léa Rossi")}).ok());
  const auto roux = short_names.Search("Lea Ruox");  // a transposition in a four-letter word
  ASSERT_FALSE(roux.empty());
  EXPECT_EQ(roux[0].record.id, "r1");
  EXPECT_TRUE(dir.Search("").empty());
  EXPECT_TRUE(dir.Search("  ,;  ").empty());
}

TEST(Search, RanksByScoreAndCarriesIt) {
  Directory& dir = Fixture();
  const auto hits = dir.Search("Marie Dupont");
  ASSERT_GE(hits.size(), 2u);
  EXPECT_EQ(hits[0].record.id, "C-1001");
  EXPECT_DOUBLE_EQ(hits[0].score, 1.0);
  EXPECT_EQ(hits[1].record.id, "C-1004");  // "Dupond, Marie": one letter off
  EXPECT_LT(hits[1].score, hits[0].score);
  for (std::size_t i = 1; i < hits.size(); ++i) EXPECT_GE(hits[i - 1].score, hits[i].score);
  SearchOptions one;
  one.limit = 1;
  EXPECT_EQ(Ids(dir.Search("Marie Dupont", one)), (std::vector<std::string>{"C-1001"}));
}

TEST(Search, ExactNamesFirstThenFuzzyOnesFillTheLimit) {
  Directory dir;
  ASSERT_TRUE(dir.Upsert({Person("e3", "Anne Martin"), Person("e1", "Martin Anne"),
                          Person("e2", "ANNE MARTIN"), Person("f1", "Anne Martine"),
                          Person("f2", "Anna Martin")})
                  .ok());
  SearchOptions three;
  three.limit = 3;
  EXPECT_EQ(Ids(dir.Search("Anne Martin", three)), (std::vector<std::string>{"e1", "e2", "e3"}));
  SearchOptions five;
  five.limit = 5;
  const auto hits = dir.Search("Anne Martin", five);
  ASSERT_EQ(hits.size(), 5u);
  EXPECT_EQ(Ids(hits).front(), "e1");
  EXPECT_DOUBLE_EQ(hits[2].score, 1.0);
  EXPECT_LT(hits[3].score, 1.0);  // the fuzzy ones come after, still found
  EXPECT_GT(hits[4].score, 0.8);
}

TEST(Search, FiltersByKindPartnerAndOrganization) {
  Directory& dir = Fixture();
  SearchOptions beta;
  beta.partner_id = "P-BETA";
  EXPECT_EQ(Ids(dir.Search("Marie Dupont", beta)), (std::vector<std::string>{"C-1004"}));
  SearchOptions acme_org;
  acme_org.organization = "Acme";
  EXPECT_EQ(Ids(dir.Search("Marie Dupont", acme_org)), (std::vector<std::string>{"C-1001"}));
  SearchOptions partners;
  partners.kind = RecordKind::kPartner;
  EXPECT_TRUE(dir.Search("Marie Dupont", partners).empty());
  EXPECT_EQ(Ids(dir.Search("Acme Assurance", partners)), (std::vector<std::string>{"P-ACME"}));
  SearchOptions nobody;
  nobody.organization = "No Such Org";
  EXPECT_TRUE(dir.Search("Marie Dupont", nobody).empty());
}

TEST(Attribution, ByPinTrunkAndCallerNumberInThatOrder) {
  Directory& dir = Fixture();
  auto by_pin = dir.AttributePartner("", "", "9090");
  ASSERT_TRUE(by_pin);
  EXPECT_EQ(by_pin->partner.id, "P-BETA");
  EXPECT_EQ(by_pin->by, AttributedBy::kPin);
  auto by_trunk = dir.AttributePartner("trunk-acme-2", "", "");
  ASSERT_TRUE(by_trunk);
  EXPECT_EQ(by_trunk->partner.id, "P-ACME");
  EXPECT_EQ(by_trunk->by, AttributedBy::kTrunk);
  // The caller is Beta's contact: attributed through the person's partner_id.
  auto by_caller = dir.AttributePartner("unknown-trunk", "+442079460958", "");
  ASSERT_TRUE(by_caller);
  EXPECT_EQ(by_caller->partner.id, "P-BETA");
  EXPECT_EQ(by_caller->by, AttributedBy::kCallerNumber);
  // The partner's own switchboard number.
  EXPECT_EQ(dir.AttributePartner("", "+33140000002", "")->partner.id, "P-BETA");
  // A PIN wins over the trunk; a wrong PIN falls through to the trunk.
  EXPECT_EQ(dir.AttributePartner("trunk-acme", "", "9090")->partner.id, "P-BETA");
  EXPECT_EQ(dir.AttributePartner("trunk-acme", "", "0000")->partner.id, "P-ACME");
  EXPECT_FALSE(dir.AttributePartner("nope", "+33999999999", "1"));
  EXPECT_FALSE(dir.AttributePartner("", "+49301234567", ""));  // Hans has no partner
}

TEST(Partners, ContactsOfAPartnerFollowUpdates) {
  Directory dir;
  ASSERT_TRUE(ImportFile(SB_SOURCE_DIR "/src/directory/testdata/records.csv", dir).ok());
  auto ids = [](const std::vector<Record>& records) {
    std::vector<std::string> out;
    for (const Record& r : records) out.push_back(r.id);
    return out;
  };
  EXPECT_EQ(ids(dir.ContactsOf("P-ACME")), (std::vector<std::string>{"C-1001", "C-1002"}));
  EXPECT_EQ(ids(dir.ContactsOf("P-BETA")), (std::vector<std::string>{"C-1003", "C-1004"}));
  EXPECT_TRUE(dir.ContactsOf("P-NONE").empty());
  EXPECT_EQ(dir.ContactsOf("P-ACME", 1).size(), 1u);
  // C-1002 moves to Beta in a newer segment; C-1001 is deleted.
  Record moved = *dir.FindById("C-1002");
  moved.partner_id = "P-BETA";
  ASSERT_TRUE(dir.Upsert({moved}).ok());
  dir.Delete({"C-1001"});
  ASSERT_GE(dir.snapshot()->segments().size(), 2u);
  EXPECT_TRUE(dir.ContactsOf("P-ACME").empty());
  EXPECT_EQ(ids(dir.ContactsOf("P-BETA")),
            (std::vector<std::string>{"C-1002", "C-1003", "C-1004"}));
  // With a limit, the first people by id that are still the partner's: a shadowed old version
  // of C-1002 (now Beta's) never takes a place of Acme's.
  EXPECT_EQ(ids(dir.ContactsOf("P-BETA", 2)), (std::vector<std::string>{"C-1002", "C-1003"}));
  moved.partner_id = "P-ACME";
  ASSERT_TRUE(dir.Upsert({moved}).ok());
  EXPECT_EQ(ids(dir.ContactsOf("P-BETA", 1)), (std::vector<std::string>{"C-1003"}));
  EXPECT_EQ(ids(dir.ContactsOf("P-ACME", 1)), (std::vector<std::string>{"C-1002"}));
}

TEST(Attribution, AmbiguousKeysAttributeNothing) {
  Directory dir;
  Record a, b;
  a.id = "PA";
  a.kind = b.kind = RecordKind::kPartner;
  a.pins = b.pins = {"1111"};
  a.phones = b.phones = {"+33140000009"};
  b.id = "PB";
  ASSERT_TRUE(dir.Upsert({a, b}).ok());
  EXPECT_FALSE(dir.AttributePartner("", "+33140000009", "1111"));
}

TEST(ScreenPop, ByCallerNumberOrIvrIdWithThePartner) {
  Directory& dir = Fixture();
  PopRequest by_number;
  by_number.caller = "06 12 34 56 78";  // as dialled; normalised
  ScreenPop pop = dir.Pop(by_number);
  ASSERT_EQ(pop.records.size(), 1u);
  EXPECT_EQ(pop.records[0].id, "C-1001");
  ASSERT_TRUE(pop.partner);
  EXPECT_EQ(pop.partner->partner.id, "P-ACME");
  // The partner's people come with it.
  ASSERT_EQ(pop.partner_contacts.size(), 2u);
  EXPECT_EQ(pop.partner_contacts[0].id, "C-1001");
  EXPECT_EQ(pop.partner_contacts[1].id, "C-1002");

  PopRequest by_id;
  by_id.ivr_id = "C-1003";
  by_id.caller = "+33999999999";  // unknown number: the id still pops, partner from the record
  pop = dir.Pop(by_id);
  ASSERT_EQ(pop.records.size(), 1u);
  EXPECT_EQ(pop.records[0].id, "C-1003");
  ASSERT_TRUE(pop.partner);
  EXPECT_EQ(pop.partner->partner.id, "P-BETA");
  EXPECT_EQ(pop.partner->by, AttributedBy::kRecord);

  PopRequest nothing;
  nothing.caller = "garbage";
  pop = dir.Pop(nothing);
  EXPECT_TRUE(pop.records.empty());
  EXPECT_FALSE(pop.partner);
  EXPECT_TRUE(pop.partner_contacts.empty());
}

TEST(Directory, UpsertValidatesAllOrNothingAndDeleteRemoves) {
  Directory dir;
  Record bad = Person("x", "X", {"0612345678"});  // not E.164
  auto r = dir.Upsert({Person("a", "Ann"), bad});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("record 1 ('x')"), std::string::npos);
  EXPECT_FALSE(dir.FindById("a"));
  EXPECT_FALSE(dir.Upsert({Person("a", "Ann"), Person("a", "Again")}).ok());
  ASSERT_TRUE(dir.Upsert({Person("a", "Ann", {"+33612345678"})}).ok());
  EXPECT_EQ(dir.FindByPhone("+33612345678").size(), 1u);
  const ApplyStats del = dir.Delete({"a", "zz"});
  EXPECT_EQ(del.deleted, 1u);
  EXPECT_EQ(del.delete_missing, 1u);
  EXPECT_FALSE(dir.FindById("a"));
  EXPECT_TRUE(dir.FindByPhone("+33612345678").empty());
  EXPECT_EQ(dir.snapshot()->record_count(), 0u);
}

TEST(Directory, ManySmallUpdatesStayCorrectAndSegmentsStayFew) {
  Directory dir;
  std::vector<Record> base;
  for (int i = 0; i < 1000; ++i) {
    base.push_back(Person("id" + std::to_string(i), "Person Number" + std::to_string(i)));
  }
  ASSERT_TRUE(dir.Upsert(base).ok());
  for (int round = 0; round < 200; ++round) {
    const int i = (round * 37) % 1000;
    if (round % 3 == 0) {
      dir.Delete({"id" + std::to_string(i)});
    } else {
      ASSERT_TRUE(
          dir.Upsert({Person("id" + std::to_string(i), "Renamed " + std::to_string(round))}).ok());
    }
  }
  const auto snap = dir.snapshot();
  EXPECT_LE(snap->segments().size(), 12u);
  std::size_t live = 0;
  for (int i = 0; i < 1000; ++i) {
    int last = -1;
    for (int round = 0; round < 200; ++round) {
      if ((round * 37) % 1000 == i) last = round;
    }
    auto rec = snap->FindById("id" + std::to_string(i));
    if (last < 0) {
      ASSERT_TRUE(rec);
      EXPECT_EQ(rec->name, "Person Number" + std::to_string(i));
    } else if (last % 3 == 0) {
      EXPECT_FALSE(rec) << i;
    } else {
      ASSERT_TRUE(rec) << i;
      EXPECT_EQ(rec->name, "Renamed " + std::to_string(last));
    }
    live += rec.has_value();
  }
  EXPECT_EQ(snap->record_count(), live);
}

// Updates small enough to stay in their own segments: a record updated or deleted in a newer
// segment must vanish from phone look-ups, searches and attribution of the older ones.
TEST(Directory, NewerSegmentsHideOlderRecordsEverywhere) {
  Directory dir;
  std::vector<Record> base;
  for (int i = 0; i < 100; ++i) {
    base.push_back(Person("id" + std::to_string(i), "Base Person" + std::to_string(i),
                          {"+3361000" + std::to_string(1000 + i)}));
  }
  Record partner;
  partner.id = "P1";
  partner.kind = RecordKind::kPartner;
  partner.name = "Old Partner";
  partner.trunks = {"t-old"};
  partner.pins = {"1234"};
  base.push_back(partner);
  ASSERT_TRUE(dir.Upsert(base).ok());
  ASSERT_TRUE(dir.Upsert({Person("id7", "Zacharie Quenouille", {"+33699999999"})}).ok());
  dir.Delete({"id8"});
  partner.trunks = {"t-new"};
  partner.pins = {"5678"};
  ASSERT_TRUE(dir.Upsert({partner}).ok());
  const auto snap = dir.snapshot();
  ASSERT_GE(snap->segments().size(), 2u);  // the updates did not merge into the base
  EXPECT_TRUE(snap->FindByPhone("+33610001007").empty());
  EXPECT_EQ(snap->FindByPhone("+33699999999").size(), 1u);
  EXPECT_TRUE(snap->FindByPhone("+33610001008").empty());
  EXPECT_EQ(snap->FindByPhone("+33610001009").size(), 1u);
  SearchOptions all;
  all.limit = 500;
  all.min_score = 0.5;
  for (const auto& h : snap->Search("Base Person", all)) {
    EXPECT_NE(h.record.id, "id7");
    EXPECT_NE(h.record.id, "id8");
  }
  EXPECT_EQ(Ids(snap->Search("Zacharie Quenouille")), (std::vector<std::string>{"id7"}));
  EXPECT_FALSE(snap->AttributePartner("t-old", "", "1234"));
  EXPECT_EQ(snap->AttributePartner("t-new", "", "")->partner.id, "P1");
  EXPECT_EQ(snap->AttributePartner("", "", "5678")->partner.id, "P1");
  EXPECT_EQ(snap->record_count(), 100u);
}

TEST(Directory, AFullReimportReplacesTheSegmentStack) {
  Directory dir;
  std::vector<Record> base;
  for (int i = 0; i < 100; ++i) base.push_back(Person("id" + std::to_string(i), "Old Name"));
  ASSERT_TRUE(dir.Upsert(base).ok());
  ASSERT_TRUE(dir.Upsert({Person("id1", "Small Update")}).ok());
  dir.Delete({"id2"});
  ASSERT_GE(dir.snapshot()->segments().size(), 2u);
  std::string csv = "id,op,name\n";
  for (int i = 0; i < 100; ++i) {
    csv += "id" + std::to_string(i) + (i == 3 ? ",delete,\n" : ",,New Name\n");
  }
  auto report = ImportCsv(csv, dir);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->applied.updated, 98u);
  EXPECT_EQ(report->applied.inserted, 1u);  // id2 comes back
  EXPECT_EQ(report->applied.deleted, 1u);
  const auto snap = dir.snapshot();
  EXPECT_EQ(snap->segments().size(), 1u);
  EXPECT_EQ(snap->record_count(), 99u);
  EXPECT_EQ(snap->FindById("id1")->name, "New Name");
  EXPECT_EQ(snap->FindById("id2")->name, "New Name");
  EXPECT_FALSE(snap->FindById("id3"));
  SearchOptions all;
  all.limit = 1000;
  EXPECT_EQ(snap->Search("New Name", all).size(), 99u);
  EXPECT_TRUE(snap->Search("Old Name", all).empty());
}

// Progress comes in two stages: reading (bytes, up to the whole input), then indexing (steps,
// from 0 to all of them), never back; the records are there when the last step is reported.
TEST(Import, ProgressReportsReadingThenIndexingToTheEnd) {
  std::string csv = "id,name,phone\n";
  for (int i = 0; i < 150000; ++i) {
    csv += "p" + std::to_string(i) + ",Person Number" + std::to_string(i) + ",+3361234" +
           std::to_string(100000 + i) + "\n";
  }
  for (bool jsonl : {false, true}) {
    std::string data = csv;
    if (jsonl) {
      data.clear();
      for (int i = 0; i < 150000; ++i) {
        data += R"({"id":"p)" + std::to_string(i) + R"(","name":"Person Number)" +
                std::to_string(i) + "\"}\n";
      }
    }
    Directory dir;
    struct Call {
      ImportStage stage;
      std::uint64_t done, total;
      std::size_t records;
    };
    std::vector<Call> calls;
    ProgressFn progress = [&](ImportStage st, std::uint64_t done, std::uint64_t total) {
      calls.push_back({st, done, total, dir.snapshot()->record_count()});
    };
    auto report =
        jsonl ? ImportJsonLines(data, dir, {}, progress) : ImportCsv(data, dir, {}, progress);
    ASSERT_TRUE(report.ok()) << jsonl;
    EXPECT_EQ(report->rows, 150000u);
    ASSERT_GE(calls.size(), 4u) << jsonl;
    std::size_t k = 0;
    for (; k < calls.size() && calls[k].stage == ImportStage::kReading; ++k) {
      EXPECT_EQ(calls[k].total, data.size());
      if (k > 0) {
        EXPECT_GE(calls[k].done, calls[k - 1].done);
      }
    }
    ASSERT_GT(k, 1u) << "a 5+ MiB input reports reading more than once";
    EXPECT_EQ(calls[k - 1].done, data.size());
    ASSERT_LT(k, calls.size());
    EXPECT_EQ(calls[k].done, 0u);  // indexing starts
    for (std::size_t j = k; j < calls.size(); ++j) {
      EXPECT_EQ(calls[j].stage, ImportStage::kIndexing) << j;
      EXPECT_EQ(calls[j].done, j - k) << j;
      EXPECT_EQ(calls[j].total, calls.size() - k - 1) << j;
    }
    EXPECT_EQ(calls[k].records, 0u);           // nothing published while indexing
    EXPECT_EQ(calls.back().records, 150000u);  // published by the last step
    EXPECT_EQ(dir.snapshot()->record_count(), 150000u);
  }
}

TEST(Directory, ConcurrentWritersLoseNothing) {
  Directory dir;
  auto writer = [&](char tag) {
    for (int batch = 0; batch < 30; ++batch) {
      std::vector<Record> records;
      for (int i = 0; i < 20; ++i) {
        records.push_back(Person(std::string(1, tag) + std::to_string(batch * 20 + i),
                                 "Writer " + std::string(1, tag)));
      }
      ASSERT_TRUE(dir.Upsert(records).ok());
    }
  };
  std::size_t last_count = 0;
  bool shrank = false;
  std::thread a(writer, 'a'), b(writer, 'b');
  for (int n = 0; n < 2000 && dir.snapshot()->record_count() < 1200; ++n) {
    const std::size_t count = dir.snapshot()->record_count();
    shrank = shrank || count < last_count;
    last_count = count;
  }
  a.join();
  b.join();
  EXPECT_FALSE(shrank);
  EXPECT_EQ(dir.snapshot()->record_count(), 1200u);
  EXPECT_EQ(dir.snapshot()->version(), 60u);
  for (int i = 0; i < 600; ++i) {
    ASSERT_TRUE(dir.FindById("a" + std::to_string(i)));
    ASSERT_TRUE(dir.FindById("b" + std::to_string(i)));
  }
}

// A reader searching while a writer imports: every answer comes from one version. Each import
// v rewrites one quarter of the records (i % 4 == v % 4) to version v, small enough to stay a
// segment of its own for a while, so answers cross segments, shadowing and merges.
TEST(Directory, ReadersSeeOneVersionEntirelyDuringImports) {
  constexpr int kRecords = 200;
  auto csv = [&](int v, int quarter) {
    std::string out = "id,name,phone,x_version\n";
    for (int i = 0; i < kRecords; ++i) {
      if (quarter >= 0 && i % 4 != quarter) continue;
      out += "r" + std::to_string(i) + ",Marie Dupont,+3361000" + std::to_string(1000 + i) + "," +
             std::to_string(v) + "\n";
    }
    return out;
  };
  Directory dir;
  ASSERT_TRUE(ImportCsv(csv(0, -1), dir).ok());
  std::atomic<bool> done{false};
  std::atomic<int> checks{0}, torn{0};
  std::atomic<std::size_t> max_segments{0};
  std::thread reader([&] {
    SearchOptions all;
    all.limit = 1000;
    for (int n = 0; n < 100000 && !done.load(); ++n) {
      const auto snap = dir.snapshot();
      max_segments = std::max(max_segments.load(), snap->segments().size());
      const auto hits = dir.Search("Marie Dupont", all);
      if (hits.size() != kRecords) ++torn;
      std::string version_of_quarter[4];
      for (const auto& h : hits) {
        const int i = std::stoi(h.record.id.substr(1));
        std::string& v = version_of_quarter[i % 4];
        if (v.empty()) v = h.record.FieldValue("version");
        if (h.record.FieldValue("version") != v) ++torn;
      }
      if (dir.FindByPhone("+3361000" + std::to_string(1000 + n % kRecords)).size() != 1) ++torn;
      ++checks;
    }
  });
  for (int v = 1; v <= 24; ++v) {
    // Let the reader run between imports (bounded: a slow machine only checks less).
    const int seen = checks.load();
    for (int spin = 0; spin < 200000 && checks.load() == seen; ++spin) std::this_thread::yield();
    auto report = ImportCsv(csv(v, v % 4), dir);
    ASSERT_TRUE(report.ok());
    ASSERT_EQ(report->applied.updated, static_cast<std::size_t>(kRecords / 4));
  }
  done = true;
  reader.join();
  EXPECT_GT(checks.load(), 0);
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(dir.FindById("r7")->FieldValue("version"), "23");
  EXPECT_EQ(dir.snapshot()->record_count(), static_cast<std::size_t>(kRecords));
}

}  // namespace
}  // namespace sb::directory
