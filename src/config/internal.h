#pragma once
// Internal to config: the readers of each section.

#include <functional>

#include "config/config.h"
#include "config/reader.h"
#include "core/settings.h"
#include "sim/settings.h"

namespace sb::config::internal {

// The file's text, bounded by the TOML guard's limit.
Result<std::string> ReadFile(const std::string& path);
// Checks the document's shape (toml_guard.h), then parses it; errors name `name`, line, column.
Result<toml::table> Parse(std::string_view text, std::string_view name);

// Calls `fn` for each table of the array of tables `key` ([[key]]); error if `key` is not one.
Status ForEachTable(const std::string& file, const toml::table& root, std::string_view key,
                    const std::function<Status(const toml::table&)>& fn);

// An overflow from one queue to another, with where it was written (for cycle errors).
struct OverflowEdge {
  std::uint32_t from = 0;
  std::uint32_t to = 0;
  // Relax overflow or when_max_wait: a contact that has waited moves on. Otherwise when_closed
  // or when_full, followed at once.
  bool waited = false;
  std::string at;  // "file:line: queue 'x': relax: overflow"
};

Status ReadEngine(const std::string& file, const toml::table& root, core::EngineSettings* s);
// Appends the queue's overflows to *edges (for CheckOverflowCycles).
Status ReadQueue(const std::string& file, const toml::table& t, const core::EngineSettings& s,
                 core::QueueSettings* q, std::vector<OverflowEdge>* edges);
// Refuses a cycle of when_closed/when_full overflows, or of relax/when_max_wait overflows, at
// the overflow that closes it. (A mixed cycle is harmless: a move never follows a closed or
// full queue's chain back to the queue it leaves; see core's MoveTarget.)
Status CheckOverflowCycles(const core::EngineSettings& s, const std::vector<OverflowEdge>& edges);
// "30s", "1500ms": a duration as written in configuration, for messages.
std::string DurationText(Duration d);
// `pool`: an [[agent_pool]] (name from `prefix`, `count` read by the caller).
Status ReadAgent(const std::string& file, const toml::table& t, const core::EngineSettings& s,
                 bool pool, core::AgentSettings* a);
Status ReadSim(const std::string& file, const toml::table& root, sim::SimSettings* s);

// Numeric IPv4 or IPv6 address.
bool IsNumericAddress(const std::string& a);
// What may stand in a SIP URI's user part or a dialled number without escaping (1-64 chars).
bool IsDialString(const std::string& s);
// One [[trunk]] table (load_trunk.cc).
Status ReadTrunk(const Reader& r, TrunkConfig* tc);
// A list of WAV files at `key` (1 to 16); relative ones are made absolute in `sounds`
// (load_telephony.cc).
Status SoundList(const Reader& r, std::string_view key, const std::string& sounds,
                 std::vector<std::string>* out);
// [[sip.ivr]] menus of the [sip] table `sip` (load_ivr.cc).
Status ReadMenus(const std::string& file, const toml::table& sip, TelephonyConfig* c,
                 const core::EngineSettings& engine);
// [sip] languages (load_languages.cc).
Status ReadLanguages(const Reader& r, TelephonyConfig* c);
// [recording] and the queues' `record` (load_recording.cc).
Status ReadRecording(const std::string& file, const toml::table& root, RecordingConfig* out);
// [sip] tls_port, tls_certificate, tls_key (the PEM files read and checked) and srtp
// (load_tls.cc).
Status ReadSipSecurity(const Reader& r, TelephonyConfig* c);
// "off", "optional" or "required" at `key`; *out unchanged when the key is absent.
Status ReadSrtpMode(const Reader& r, std::string_view key, SrtpMode* out);
// [sip.transfer], once the trunks are known (load_transfer.cc).
Status ReadTransfer(const std::string& file, const toml::table& root, TelephonyConfig* c);

}  // namespace sb::config::internal
