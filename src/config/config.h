#pragma once
// Configuration: TOML files -> validated settings for the engine and the simulator. Every error
// names the file, line and field and says what is expected, e.g.
//   demo.toml:42: queue 'support': service_level.target: expected a number in (0, 1], got 80
// Unknown keys are errors (a typo must not be silently ignored). The format is documented in
// docs/design/config.md. Thread safety: stateless functions.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "core/settings.h"
#include "sim/settings.h"

namespace sb::config {

Result<core::EngineSettings> LoadEngineSettings(const std::string& path);
Result<sim::SimSettings> LoadSimSettings(const std::string& path);

// The same from text; `name` stands for the file in messages.
Result<core::EngineSettings> EngineSettingsFromString(std::string_view toml, std::string_view name);
Result<sim::SimSettings> SimSettingsFromString(std::string_view toml, std::string_view name);

// [store], [retention] and each queue's `dispositions`: what the store and the cases need.
struct StoreConfig {
  std::string url = "switchboard.db";  // a SQLite file (relative to the working directory),
                                       // sqlite:PATH, or postgresql://...
  std::int64_t buffer = 1'000'000;     // writes buffered while the store is down
  // Where writes past `buffer` go while the store is down (store/spill.h): "" is the SQLite
  // file's path + ".spill", or "switchboard.spill" for PostgreSQL; "none" refuses them.
  std::string spill;
  std::int64_t spill_max_mb = 1024;
  // The least time between the starts of two commits (group commit): under load, writes that
  // arrive meanwhile share one transaction and one fsync; a write after a quiet spell commits at
  // once. 0 commits as soon as the previous commit is done.
  Duration commit_interval = std::chrono::milliseconds(5);
  // Days to keep each kind of data; 0 keeps it forever.
  std::int64_t events_days = 0, cdrs_days = 0, cases_days = 0, audit_days = 0, recordings_days = 0;
  Duration purge_every = std::chrono::hours(1);
  // Disposition codes by queue name; a queue without the key accepts any code.
  std::map<std::string, std::vector<std::string>> dispositions;
};
Result<StoreConfig> LoadStoreConfig(const std::string& path);
Result<StoreConfig> StoreConfigFromString(std::string_view toml, std::string_view name);

// [routing_hints]: how the caller's record, found by the screen-pop pre-fetch while the caller is
// in the IVR, feeds routing. segment_priority = { gold = 5 } adds 5 to the priority of a call
// whose record's segment is "gold".
struct RoutingHintsConfig {
  std::map<std::string, std::int32_t> segment_priority;
};
Result<RoutingHintsConfig> LoadRoutingHints(const std::string& path);
Result<RoutingHintsConfig> RoutingHintsFromString(std::string_view toml, std::string_view name);

// [sip], [[trunk]], [[number]] and [[phone]]: telephony (docs/operations.md, "Telephony").
// SRTP (SDES keys, RFC 4568) of a call's audio: refused, as offered, or required (an offer of
// the other kind gets 488).
enum class SrtpMode : std::uint8_t { kOff, kOptional, kRequired };
struct TrunkConfig {
  std::string name;
  std::vector<std::string> allow;  // numeric source addresses accepted without authentication
  // Outbound calls (callbacks) go to sip:NUMBER@outbound_host (empty: the trunk takes none).
  std::string outbound;            // as written: "sip:HOST[:PORT][;transport=tcp]"
  std::string outbound_host;       // "HOST[:PORT]" ("[v6]:PORT" for IPv6)
  std::string outbound_params;     // "" or ";transport=udp|tcp|tls"
  std::string username, password;  // digest credentials (both or neither); never printed
  std::string from_number;         // the caller-ID we present (From user)
  std::string strip, prefix;  // the number dialled: `strip` removed from its start, then `prefix`
  Duration ring_timeout = std::chrono::seconds(25);  // unanswered this long: no answer
                                                     // (below [sip] no_rtp_timeout)
  // `srtp` of the trunk: the policy for its calls (unset: [sip] srtp); "required" also makes our
  // offers to it (callbacks) RTP/SAVP.
  std::optional<SrtpMode> srtp;
  // Calls from the trunk must authenticate by digest as `inbound_user` against `inbound_ha1`
  // (MD5(user:realm:password), lower-case hex, realm [sip] realm): from the `allow` addresses,
  // or from any address when `allow` is empty. Empty: calls are accepted by address alone.
  std::string inbound_user, inbound_ha1;
};
struct NumberConfig {
  std::string number;  // the dialled number (Request-URI user)
  std::string queue;   // where it goes (empty when `ivr` is set)
  std::string ivr;     // the [[sip.ivr]] menu its callers hear first (empty when `queue` is set)
  Duration announce_every{0};  // position and expected wait told this often; 0: never
};
// One key of an IVR menu (or its `default`): exactly one of the kinds.
struct IvrChoice {
  enum class Kind : std::uint8_t {
    kQueue,     // into `target` (a queue)
    kMenu,      // to the menu `target`
    kCollect,   // digits up to # or max_digits, told to the controller, then into `target`
    kCallback,  // into `target`, then a callback is requested and the caller hung up on
  };
  Kind kind = Kind::kQueue;
  std::string target;
  bool pin = false;                 // kCollect: the digits are a PIN (else an id, ivr_id)
  std::int64_t max_digits = 0;      // kCollect: 1..32
  std::vector<std::string> prompt;  // kCollect: WAV files played before collecting
};
struct IvrMenu {
  std::string name;
  std::vector<std::string> prompt;             // WAV files, played in order
  std::vector<std::string> invalid;            // played after a key the menu does not know
  Duration timeout = std::chrono::seconds(5);  // after the prompt, for a key
  std::int64_t retries = 2;                    // the prompt replayed this often, then `fallback`
  std::map<char, IvrChoice> choices;           // by key: 0-9 * #
  bool has_fallback = false;                   // `default`; without: no_input_message, hang up
  IvrChoice fallback;
};
struct PhoneConfig {
  std::string agent;    // an agent of the configuration
  std::string contact;  // a static SIP URI for the agent's phone (empty: it registers)
  std::string ha1;      // MD5(agent:realm:password): the phone may REGISTER as the agent
  bool ready = false;   // logged in and ready when the server starts
  bool srtp = false;    // our offers to it are RTP/SAVP with our key (SDES)
};
// [recording] and each [[queue]]'s `record = true` (load_recording.cc): recorded calls are
// written as stereo WAV files (caller left, agent right) into `dir`.
struct RecordingConfig {
  std::string dir;                   // absolute; required when a queue records
  std::int64_t min_free_mb = 512;    // below it new recordings are refused, running ones stopped
  std::int64_t queue_frames = 8192;  // 20 ms frames waiting for the writer; past it dropped
  std::set<std::string> queues;      // the queues whose connected calls are recorded
};
struct TelephonyConfig {
  bool enabled = false;  // a [sip] table is present
  std::string listen = "127.0.0.1";
  std::int64_t port = 5060;
  // SIP over TLS (sips:, transport=tls) on tls_port, with the certificate (and any chain after
  // it) and key of these PEM files, checked when the file is loaded. 0: no TLS (the default
  // without a certificate; with one, 5061).
  std::int64_t tls_port = 0;
  std::string tls_certificate, tls_key;
  SrtpMode srtp = SrtpMode::kOptional;  // calls from trunks that do not say otherwise
  std::string realm = "switchboard";    // the digest realm phones authenticate in
  std::string rtp_address = "127.0.0.1";
  std::int64_t rtp_min = 20000, rtp_max = 29999;
  Duration no_rtp_timeout = std::chrono::seconds(30);
  // How often each [[phone]] with a known contact (static or registered) is sent an OPTIONS;
  // one left unanswered twice in a row takes a ready agent out of routing. 0: never.
  Duration qualify_every = std::chrono::seconds(30);
  // Session timers (RFC 4028) on every call leg: the Session-Expires we ask for; a peer that
  // lets a session run out, or a refresh that fails, ends the call. 0: off. Else 90s (the RFC's
  // smallest Min-SE) to 1 day; whole seconds.
  Duration session_expires = std::chrono::seconds(1800);
  std::int64_t max_calls = 20000;  // legs at once (callers and agents)
  std::int64_t media_threads = 0;  // RTP threads; 0: one per core (at most 8)
  bool media_io_uring = true;      // media_send = "auto": io_uring where the kernel allows it
  std::string hold_music;          // a WAV file; empty: the packaged default
  // The directory relative sound paths are in (prompts, messages, the announcements' words).
  std::string sounds = "/usr/share/asterisk/sounds/en_US_f_Allison";
  // [sip] languages: a caller whose record (found by the screen-pop pre-fetch) has one of these
  // languages hears, for each sound under `sounds`, the file of the same relative name in that
  // language's directory when there is one (prompts, messages, announcements). Language codes
  // as the directory's records spell them ("fr", "pt-BR"), each an absolute directory.
  std::map<std::string, std::string> languages;
  // Played before hanging up on a caller the queue turns away (closed, full, waited too long),
  // one who gave no usable input in an IVR, and one whose callback was taken. Absolute paths.
  std::vector<std::string> closed_message, full_message, max_wait_message, no_input_message,
      callback_message;
  // Played to a waiting caller the queue offers a callback (when_max_wait = callback): key 1
  // takes it.
  std::vector<std::string> callback_offer_message;
  std::vector<IvrMenu> menus;  // [[sip.ivr]]
  std::vector<TrunkConfig> trunks;
  // The trunk callbacks are dialled through (an index into `trunks`; -1: none): [sip]
  // callback_trunk, else the first trunk with `outbound`.
  int callback_trunk = -1;
  // [sip.transfer]: blind transfers to numbers outside go through `transfer_trunk` (an index
  // into `trunks`, -1: none; default the callback trunk) to the numbers `transfer_allow` lets
  // through (exact numbers, or prefixes ending in '*'; none by default, so no agent can dial
  // anywhere), with the caller's own number as caller-ID when `transfer_caller_id` (else the
  // trunk's from_number). A transfer out that fails (busy, no answer, refused) returns the
  // caller to the queue the agent answered it from, as a new contact, when `transfer_return`
  // (on_failure = "return", the default); "hangup" hangs the caller up.
  int transfer_trunk = -1;
  std::vector<std::string> transfer_allow;
  bool transfer_caller_id = false;
  bool transfer_return = true;
  std::vector<NumberConfig> numbers;
  std::vector<PhoneConfig> phones;  // pools expanded, one per agent
  RecordingConfig recording;
};
// `engine`: the same file's engine settings (phones name its agents, numbers its queues).
Result<TelephonyConfig> LoadTelephonyConfig(const std::string& path,
                                            const core::EngineSettings& engine);
Result<TelephonyConfig> TelephonyConfigFromString(std::string_view toml, std::string_view name,
                                                  const core::EngineSettings& engine);

// "20s", "5m", "1h30m", "250ms", or a plain number of seconds.
Result<Duration> ParseDuration(std::string_view text);
// "08:00" -> 480 (minutes after midnight); "24:00" allowed as an end.
Result<int> ParseClock(std::string_view text);
// A zone: "UTC", a fixed offset "+01:00" / "UTC-05:30", or a tz database name "Europe/Paris".
Result<core::TimeZone> ParseZone(std::string_view text);

}  // namespace sb::config
