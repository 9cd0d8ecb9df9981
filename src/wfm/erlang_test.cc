// Erlang B, C and A against every case of tests/data/erlang.json, plus stability at
// 2,000 agents and the rejection of bad input.

#include "wfm/erlang.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "wfm/evaluate.h"

namespace sb::wfm {
namespace {

using nlohmann::json;

json LoadReference() {
  std::ifstream f(std::string(SB_TEST_DATA_DIR) + "/erlang.json");
  EXPECT_TRUE(f) << "tests/data/erlang.json is missing";
  return f ? json::parse(f) : json::object();
}

TEST(Reference, EveryOutputOfEveryCaseOfErlangJson) {
  const json doc = LoadReference();
  ASSERT_TRUE(doc.contains("cases"));
  int cases = 0, checked = 0;
  for (const json& c : doc["cases"]) {
    const std::string id = c["id"];
    NamedInputs inputs;
    for (const auto& [name, in] : c["inputs"].items()) inputs[name] = in["value"].get<double>();
    auto got = EvaluateErlang(c["model"].get<std::string>(), inputs);
    ASSERT_TRUE(got.ok()) << id << ": " << got.status().ToString();
    ++cases;
    for (const auto& [name, ref] : c["outputs"].items()) {
      auto it =
          std::find_if(got->begin(), got->end(), [&](const auto& kv) { return kv.first == name; });
      ASSERT_NE(it, got->end()) << id << ": output " << name << " not computed";
      const double want = ref["value"].get<double>();
      const json tol = c["tolerance"].value(name, json::object());
      const double bound = std::max(tol.value("abs", 0.0), tol.value("rel", 0.0) * std::fabs(want));
      EXPECT_LE(std::fabs(it->second - want), bound)
          << id << " " << name << ": got " << it->second << ", want " << want;
      ++checked;
    }
  }
  EXPECT_EQ(cases, static_cast<int>(doc["cases"].size()));
  EXPECT_GE(checked, 100);  // 17 cases, 111 outputs at the time of writing
}

TEST(ErlangA, ThetaEqualMuIsPoisson) {
  // With theta = mu the chain is M/M/inf: P(wait) = P(Poisson(A) >= N).
  auto r = ErlangA({3.0, 1.0, 1.0, 2, 0.0});
  ASSERT_TRUE(r.ok());
  const double p_lt_2 = std::exp(-3.0) * (1 + 3.0);
  EXPECT_NEAR(r->p_wait, 1 - p_lt_2, 1e-12);
  EXPECT_NEAR(r->occupancy, (3.0 - r->mean_queue_length) / 2, 1e-12);
  // t = 0: nobody who waits is within t, except through P(V <= 0) = P(no wait).
  EXPECT_NEAR(r->p_offered_wait_le_t, p_lt_2, 1e-12);
  EXPECT_NEAR(r->sl_answered_within_t_over_offered, p_lt_2, 1e-12);
}

TEST(ErlangA, ServiceLevelGrowsWithAgentsAndTime) {
  double last = 0;
  for (int n = 40; n <= 60; ++n) {
    auto r = ErlangA({48, 1, 2, n, 1.0 / 3});
    ASSERT_TRUE(r.ok());
    EXPECT_GT(r->sl_answered_within_t_over_offered, last) << n;
    last = r->sl_answered_within_t_over_offered;
  }
  auto short_t = ErlangA({48, 1, 2, 50, 0.1});
  auto long_t = ErlangA({48, 1, 2, 50, 1.0});
  ASSERT_TRUE(short_t.ok() && long_t.ok());
  EXPECT_LT(short_t->p_offered_wait_le_t, long_t->p_offered_wait_le_t);
}

void ExpectProbability(double p, const char* what, double a) {
  EXPECT_TRUE(std::isfinite(p) && p >= 0 && p <= 1) << what << " = " << p << " at A = " << a;
}

TEST(Stability, TwoThousandAgentsGiveFiniteProbabilities) {
  for (double a : {1000.0, 1900.0, 1999.0, 1999.5, 1999.9, 1999.999}) {
    auto c = ErlangC({a / 300, 300, 2000, 20});
    ASSERT_TRUE(c.ok()) << a;
    ExpectProbability(c->p_wait, "C p_wait", a);
    ExpectProbability(c->service_level, "C service_level", a);
    EXPECT_TRUE(std::isfinite(c->asa) && c->asa >= 0) << a;
  }
  for (double a : {1000.0, 1999.0, 1999.9, 2000.0, 2500.0}) {
    auto r = ErlangA({a / 300, 300, 180, 2000, 20});
    ASSERT_TRUE(r.ok()) << a << " " << r.status().ToString();
    for (double p :
         {r->p_wait, r->p_abandon, r->occupancy, r->sl_answered_within_t_over_offered,
          r->sl_answered_within_t_over_answered, r->p_wait_le_t_all, r->p_offered_wait_le_t}) {
      ExpectProbability(p, "A probability", a);
    }
    EXPECT_TRUE(std::isfinite(r->asa_answered) && std::isfinite(r->mean_wait_all)) << a;
  }
  // 2,500 E on 2,000 agents: they are all busy and the excess 500 E abandons.
  auto over = ErlangA({2500.0 / 300, 300, 180, 2000, 20});
  ASSERT_TRUE(over.ok());
  EXPECT_NEAR(over->occupancy, 1.0, 0.01);
  EXPECT_NEAR(over->p_abandon, 0.2, 0.01);
  auto b = ErlangB(2000, 2000);
  ASSERT_TRUE(b.ok());
  EXPECT_GT(b->blocking_probability, 0.01);
  EXPECT_LT(b->blocking_probability, 0.03);
}

TEST(Stability, ErlangCAgreesWithErlangAAtHugePatience) {
  auto c = ErlangC({1900.0 / 300, 300, 2000, 20});
  auto a = ErlangA({1900.0 / 300, 300, 1e9, 2000, 20});
  ASSERT_TRUE(c.ok() && a.ok());
  EXPECT_NEAR(a->p_wait, c->p_wait, 1e-5);
  EXPECT_NEAR(a->asa_answered, c->asa, 1e-3);
  EXPECT_NEAR(a->p_offered_wait_le_t, c->service_level, 1e-5);
}

TEST(BadInput, NegativeRatesAndUnstableQueuesAreRejected) {
  EXPECT_EQ(ErlangC({-1, 300, 10, 20}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ErlangC({1, 300, 10, 20}).status().code(), StatusCode::kInvalidArgument);  // 300 E
  EXPECT_EQ(ErlangC({NAN, 300, 10, 20}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ErlangC({0.1, 300, 50, -1}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ErlangB(0, 1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ErlangB(3, -1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ErlangA({1, 0, 10, 5, 20}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ErlangA({1, 1, 0, 5, 20}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ErlangA({1, 1, 1, 0, 20}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ErlangBTrunks(10, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ErlangBMaxLoad(10, 1).status().code(), StatusCode::kInvalidArgument);
}

TEST(Evaluate, NamesMissingAndUnknownInputs) {
  auto missing = EvaluateErlang("erlang_c", {{"arrival_rate", 1}, {"agents", 5}});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("aht"), std::string::npos);
  auto unknown = EvaluateErlang("erlang_c", {{"mean_patience", 1}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("mean_patience"), std::string::npos);
  EXPECT_FALSE(EvaluateErlang("erlang_x", {}).ok());
  EXPECT_FALSE(EvaluateErlang("erlang_b", {{"trunks", 2.5}, {"offered_load", 1}}).ok());
  EXPECT_FALSE(EvaluateErlang("erlang_b", {{"offered_load", 1}}).ok());
  // Inconsistent offered_load and arrival_rate * aht.
  EXPECT_FALSE(EvaluateErlang("erlang_c", {{"arrival_rate", 1},
                                           {"aht", 2},
                                           {"offered_load", 3},
                                           {"agents", 5},
                                           {"target_answer_time", 0}})
                   .ok());
}

TEST(Evaluate, OfferedLoadAloneGivesTheRate) {
  auto r = EvaluateErlang(
      "erlang_c", {{"offered_load", 10}, {"aht", 180}, {"agents", 14}, {"target_answer_time", 20}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)[1].first, "p_wait");
  EXPECT_NEAR((*r)[1].second, 0.17413193359504986, 1e-12);  // C-01
}

TEST(Evaluate, SizingWithOneTrunkReportsTotalBlockingBelowIt) {
  auto r = EvaluateErlang("erlang_b", {{"offered_load", 0.01}, {"max_blocking", 0.5}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].second, 1);
  EXPECT_EQ((*r)[2].second, 1.0);
}

}  // namespace
}  // namespace sb::wfm
