#pragma once
// Erlang B, C and A by name: inputs and outputs keyed by the names of docs/metrics.md and of the
// reference cases tests/data/erlang.json ("arrival_rate", "p_wait", "min_trunks", ...), so the
// `switchboard erlang` command and the reference test share one mapping and one set of rules.
// Which computation runs follows from the inputs present:
//   erlang_b: trunks + offered_load -> blocking; offered_load + max_blocking -> min_trunks;
//             trunks + blocking -> max_offered_load.
//   erlang_c / erlang_a: with agents -> the queue's measures; without -> sizing for
//             target_service_level (required_agents, scheduled_with_shrinkage).
// Pure and re-entrant.

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace sb::wfm {

using NamedInputs = std::map<std::string, double, std::less<>>;
using NamedOutputs = std::vector<std::pair<std::string, double>>;  // in a fixed, readable order

// The input names a model accepts ("erlang_b", "erlang_c" or "erlang_a"); empty if unknown.
std::vector<std::string> InputNames(std::string_view model);

// InvalidArgument for an unknown model, an input the model does not take, a missing input
// (the message lists what would be accepted), a non-integer count, or any error of the
// underlying function.
Result<NamedOutputs> EvaluateErlang(std::string_view model, const NamedInputs& inputs);

}  // namespace sb::wfm
