// The name-keyed front of erlang.h and staffing.h. Only dispatch and naming live here; every
// formula is in erlang*.cc and staffing.cc.

#include "wfm/evaluate.h"

#include <algorithm>
#include <cmath>

#include "wfm/erlang.h"
#include "wfm/staffing.h"

namespace sb::wfm {
namespace {

class Inputs {
 public:
  explicit Inputs(const NamedInputs& in) : in_(in) {}
  bool Has(std::string_view name) const { return in_.find(name) != in_.end(); }
  double Get(std::string_view name, double fallback = 0) const {
    auto it = in_.find(name);
    return it == in_.end() ? fallback : it->second;
  }
  Result<int> Count(std::string_view name) const {
    const double v = Get(name);
    if (!(v >= 1 && v <= 100000 && v == std::floor(v))) {
      return InvalidArgument(std::string(name) + " must be a whole number from 1 to 100000");
    }
    return static_cast<int>(v);
  }
  Status Require(std::string_view name, std::string_view why) const {
    if (Has(name)) return Status::Ok();
    return InvalidArgument("missing input " + std::string(name) + " (" + std::string(why) + ")");
  }

 private:
  const NamedInputs& in_;
};

Result<NamedOutputs> EvaluateB(const Inputs& in) {
  if (in.Has("trunks") && in.Has("offered_load")) {
    SB_ASSIGN_OR_RETURN(const int n, in.Count("trunks"));
    SB_ASSIGN_OR_RETURN(const ErlangBResult r, ErlangB(n, in.Get("offered_load")));
    return NamedOutputs{{"blocking_probability", r.blocking_probability},
                        {"carried_load", r.carried_load},
                        {"occupancy", r.occupancy}};
  }
  if (in.Has("offered_load") && in.Has("max_blocking")) {
    const double a = in.Get("offered_load");
    SB_ASSIGN_OR_RETURN(const int n, ErlangBTrunks(a, in.Get("max_blocking")));
    SB_ASSIGN_OR_RETURN(const ErlangBResult at, ErlangB(n, a));
    double below = 1.0;  // zero trunks block every call
    if (n > 1) {
      SB_ASSIGN_OR_RETURN(const ErlangBResult r, ErlangB(n - 1, a));
      below = r.blocking_probability;
    }
    return NamedOutputs{{"min_trunks", n},
                        {"blocking_at_min_trunks", at.blocking_probability},
                        {"blocking_at_min_trunks_minus_1", below}};
  }
  if (in.Has("trunks") && in.Has("blocking")) {
    SB_ASSIGN_OR_RETURN(const int n, in.Count("trunks"));
    SB_ASSIGN_OR_RETURN(const double a, ErlangBMaxLoad(n, in.Get("blocking")));
    return NamedOutputs{{"max_offered_load", a}};
  }
  return InvalidArgument(
      "erlang_b needs trunks + offered_load (blocking), offered_load + "
      "max_blocking (fewest trunks), or trunks + blocking (largest load)");
}

// arrival_rate, given directly or as offered_load / aht (both: they must agree).
Result<double> ArrivalRate(const Inputs& in) {
  SB_RETURN_IF_ERROR(in.Require("aht", "the mean handle time"));
  const double aht = in.Get("aht");
  if (!in.Has("arrival_rate")) {
    if (!in.Has("offered_load")) {
      return InvalidArgument(
          "missing input arrival_rate (calls per time unit; or give "
          "offered_load)");
    }
    if (!(aht > 0)) return InvalidArgument("aht must be a finite number > 0");
    return in.Get("offered_load") / aht;
  }
  const double rate = in.Get("arrival_rate");
  if (in.Has("offered_load") && in.Has("arrival_rate")) {
    const double load = in.Get("offered_load");
    if (!(std::fabs(rate * aht - load) <= 1e-9 * std::fabs(load))) {
      return InvalidArgument("offered_load must equal arrival_rate * aht; give only one of them");
    }
  }
  return rate;
}

NamedOutputs Named(const ErlangCResult& r) {
  return {{"offered_load", r.offered_load},
          {"p_wait", r.p_wait},
          {"service_level", r.service_level},
          {"asa", r.asa},
          {"mean_wait_if_delayed", r.mean_wait_if_delayed},
          {"mean_queue_length", r.mean_queue_length},
          {"mean_response_time", r.mean_response_time},
          {"occupancy", r.occupancy}};
}

NamedOutputs Named(const ErlangAResult& r) {
  return {{"offered_load", r.offered_load},
          {"p_wait", r.p_wait},
          {"p_abandon", r.p_abandon},
          {"p_abandon_given_wait", r.p_abandon_given_wait},
          {"mean_wait_all", r.mean_wait_all},
          {"asa_answered", r.asa_answered},
          {"mean_queue_length", r.mean_queue_length},
          {"occupancy", r.occupancy},
          {"sl_answered_within_t_over_offered", r.sl_answered_within_t_over_offered},
          {"sl_answered_within_t_over_answered", r.sl_answered_within_t_over_answered},
          {"p_wait_le_t_all", r.p_wait_le_t_all},
          {"p_offered_wait_le_t", r.p_offered_wait_le_t}};
}

Result<NamedOutputs> Size(const Inputs& in, double rate, bool abandon) {
  SB_RETURN_IF_ERROR(in.Require("target_service_level", "sizing: give agents to evaluate instead"));
  StaffingTarget t;
  t.target_service_level = in.Get("target_service_level");
  t.target_answer_time = in.Get("target_answer_time");
  t.max_occupancy = in.Get("max_occupancy", 1.0);
  t.shrinkage = in.Get("shrinkage", 0.0);
  t.mean_patience = abandon ? in.Get("mean_patience") : 0;
  SB_ASSIGN_OR_RETURN(const Staffing s, RequiredAgents(rate, in.Get("aht"), t));
  NamedOutputs out{
      {"required_agents", s.required_agents},
      {"scheduled_with_shrinkage", s.scheduled_with_shrinkage},
      {abandon ? "sl_answered_within_t_over_offered" : "service_level", s.service_level},
      {abandon ? "asa_answered" : "asa", s.asa},
      {"occupancy", s.occupancy}};
  if (abandon) out.emplace_back("p_abandon", s.p_abandon);
  return out;
}

Result<NamedOutputs> EvaluateQueue(const Inputs& in, bool abandon) {
  SB_ASSIGN_OR_RETURN(const double rate, ArrivalRate(in));
  SB_RETURN_IF_ERROR(in.Require("target_answer_time", "the service-level threshold"));
  if (abandon) SB_RETURN_IF_ERROR(in.Require("mean_patience", "mean time before abandoning"));
  if (!in.Has("agents")) return Size(in, rate, abandon);
  SB_ASSIGN_OR_RETURN(const int n, in.Count("agents"));
  const double aht = in.Get("aht"), t = in.Get("target_answer_time");
  if (abandon) {
    SB_ASSIGN_OR_RETURN(const ErlangAResult r, ErlangA({rate, aht, in.Get("mean_patience"), n, t}));
    return Named(r);
  }
  SB_ASSIGN_OR_RETURN(const ErlangCResult r, ErlangC({rate, aht, n, t}));
  return Named(r);
}

}  // namespace

std::vector<std::string> InputNames(std::string_view model) {
  if (model == "erlang_b") return {"trunks", "offered_load", "max_blocking", "blocking"};
  std::vector<std::string> names = {"arrival_rate",       "aht",          "agents",
                                    "target_answer_time", "offered_load", "target_service_level",
                                    "shrinkage",          "max_occupancy"};
  if (model == "erlang_a") names.push_back("mean_patience");
  if (model != "erlang_a" && model != "erlang_c") names.clear();
  return names;
}

Result<NamedOutputs> EvaluateErlang(std::string_view model, const NamedInputs& inputs) {
  const std::vector<std::string> names = InputNames(model);
  if (names.empty()) {
    return InvalidArgument("unknown model " + std::string(model) +
                           "; expected erlang_b, erlang_c or erlang_a");
  }
  for (const auto& [name, value] : inputs) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      return InvalidArgument(name + " is not an input of " + std::string(model));
    }
    if (!std::isfinite(value)) return InvalidArgument(name + " must be a finite number");
  }
  const Inputs in(inputs);
  if (model == "erlang_b") return EvaluateB(in);
  return EvaluateQueue(in, model == "erlang_a");
}

}  // namespace sb::wfm
