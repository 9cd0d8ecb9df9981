#pragma once
// The store: everything a contact center must never lose. The engine's event log (append-only,
// the source of reports, forecasts and replay), call detail records, cases with versioned edits,
// the audit log, users and configuration versions, with retention.
//
// One interface, two back ends chosen by URL (OpenStore): SQLite, the embedded default (one file,
// WAL mode), and PostgreSQL for several nodes. Both run the same SQL (sql_store.cc) over a
// Connection, and the same test suite.
//
// Thread safety: a Store belongs to one thread. The live server reaches it only through the
// StoreWriter (writer.h), whose thread owns it; commands and reports open their own.
// Errors: kUnavailable when the database is unreachable or full (retry later; nothing committed is
// lost), kFailedPrecondition for a refused change (an edit on a stale version, a change to an
// audit row), kInvalidArgument for bad input, kNotFound for unknown ids.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "core/events.h"

namespace sb::store {

// A stored engine event with its place in the log.
struct StoredEvent {
  std::int64_t seq = 0;  // 1, 2, 3... in append order
  core::Event event;
};

// One call, every timestamp (ms since the epoch; 0 = did not happen).
struct Cdr {
  std::uint64_t contact = 0;
  std::int64_t arrival_ms = 0;
  std::int64_t ivr_ms = 0;  // when the IVR started (telephony fills it in)
  std::int64_t queued_ms = 0;
  std::int64_t offered_ms = 0;  // first offer to an agent
  std::int64_t answered_ms = 0;
  std::int64_t ended_ms = 0;
  std::uint32_t queue = 0;  // the queue it ended in
  std::int64_t agent = -1;  // the agent who handled it, -1 if none
  std::string outcome;      // core::EndReasonName
  std::string disposition;  // set by the agent's case
  std::string caller;       // E.164, empty if withheld
  std::string partner;      // partner record id, empty if none
  // An attended transfer handed the call over (core::ConsultCompleted): when, and the agent who
  // handed it over (`agent` is the one who took it). 0 and -1 when it was not handed over.
  std::int64_t handover_ms = 0;
  std::int64_t handover_from = -1;
  // A callback: how many times the customer was dialled (each offer an agent accepted is one
  // attempt: 1 for a first try that reached, 1 + retries otherwise). 0 for a call.
  std::int64_t callback_attempts = 0;
  bool operator==(const Cdr&) const = default;
};

// What the phone system saw of one call (telephony writes it when the caller's leg is gone): the
// SIP-side times (ms since the epoch; 0 = did not happen) and who ended it, beside the engine's
// Cdr of the same contact. Calls refused at the door (403, 404, 488) become no contact and have
// none: they are logged and counted.
struct CallDetail {
  std::uint64_t contact = 0;
  std::string call_id;                 // the SIP Call-ID of the caller's leg
  std::string trunk;                   // the [[trunk]] it came in by
  std::string source;                  // the sender's address
  std::string caller;                  // the From user
  std::string dialled;                 // the Request-URI user
  std::int64_t invite_ms = 0;          // the INVITE arrived
  std::int64_t answered_ms = 0;        // our 200 to the caller
  std::int64_t ivr_exit_ms = 0;        // the caller left the IVR menu for a queue
  std::int64_t queued_ms = 0;          // the engine took it into a queue
  std::int64_t offered_ms = 0;         // the first INVITE to an agent's phone
  std::int64_t agent_answered_ms = 0;  // the connected agent's 200
  std::int64_t ended_ms = 0;           // the caller's leg ended
  std::string agent;                   // the agent connected, empty if none
  std::string ended_by;                // "caller", "agent" or "system"
  std::string cause;        // "bye", "cancel", "no_rtp", "lost" (no ACK, transport) or the engine's
                            // end reason when it ended the call ("message_closed", ...)
  std::int32_t status = 0;  // the final response to the caller's INVITE (200 once answered)
  // An attended transfer: when the caller was bridged to the consulted agent (`agent`), and the
  // agent who handed the call over. 0 and empty when it was not.
  std::int64_t handover_ms = 0;
  std::string handover_from;
  // Hold (re-INVITE or UPDATE sendonly/inactive/0.0.0.0 from either party while connected): how
  // many times a party put the call on hold, and the time it spent on hold (any party holding).
  std::int64_t hold_count = 0;
  std::int64_t hold_ms = 0;
  // A callback (the caller asked to be called back, or a queue made the call one): the dials of
  // the customer (Cdr::callback_attempts), the trunk's final SIP status to the last dial (200
  // reached, 486, 404...; 0 when none came: nothing dialled, our ring time-out) and why the
  // last attempt ended ("reached", "busy", "no_answer", "unreachable", "no_number", ...: the
  // table in docs/operations.md).
  // A CallDetail with invite_ms 0 is such an outcome alone, written when the callback ends: it
  // sets these three columns of the call's row (PutCallDetails), and nothing else.
  std::int64_t callback_attempts = 0;
  std::int32_t callback_status = 0;
  std::string callback_cause;
  bool operator==(const CallDetail&) const = default;
};

// An audit row: who looked at or changed what, when, for which call or case.
struct AuditEntry {
  std::int64_t id = 0;  // assigned by the store
  std::int64_t at_ms = 0;
  std::string user;        // login; "system" for the server itself
  std::string action;      // "record.view", "record.search", "case.create", "case.edit", ...
  std::string target;      // what was looked at or changed, e.g. "record:4711", "case:12"
  std::uint64_t call = 0;  // the call it was for, 0 if none
  std::int64_t case_id = 0;
  std::string detail;  // e.g. the search text, or the fields changed
  bool operator==(const AuditEntry&) const = default;
};

struct AuditQuery {
  std::int64_t from_ms = 0;
  std::int64_t to_ms = INT64_MAX;
  std::string user;    // empty = anyone
  std::string target;  // empty = anything
  std::int64_t limit = 1000;
};

// A case's fixed header; everything else about it is a versioned edit.
struct CaseHeader {
  std::int64_t id = 0;       // assigned by the store
  std::string confirmation;  // read back to the caller, e.g. "K7Q-4821-X"
  std::int64_t opened_ms = 0;
  std::string opened_by;
  std::uint64_t call = 0;  // the call that opened it, 0 if opened by hand
  std::uint32_t queue = 0;
};

// One change of one field of a case. Edits are never overwritten: a case's state is the last
// edit of each field, and its history is the list of edits.
struct CaseEdit {
  std::int64_t version = 0;  // 1, 2, 3... per case
  std::int64_t at_ms = 0;
  std::string user;
  std::string field;  // "status", "disposition", "notes", "followup.1.due", ...
  std::string old_value;
  std::string new_value;
  bool operator==(const CaseEdit&) const = default;
};

struct CaseLink {
  std::string kind;  // "call" or "record"
  std::string ref;   // call id, or directory record id
  std::int64_t at_ms = 0;
  bool operator==(const CaseLink&) const = default;
};

// What one change of a case writes. The store fills in the audit row's case_id, and its target
// ("case:<id>") when empty.
struct CaseWrite {
  std::vector<CaseEdit> edits;
  std::vector<CaseLink> links;
  std::optional<AuditEntry> audit;
};

struct StoredCase {
  CaseHeader header;
  std::vector<CaseEdit> edits;  // in version order
  std::vector<CaseLink> links;
};

struct User {
  std::string login;
  std::string display_name;
  std::string role;  // "agent", "supervisor", "admin"
  std::int64_t created_ms = 0;
  bool operator==(const User&) const = default;
};

// Days to keep each kind of data; 0 keeps it forever.
struct RetentionPolicy {
  int events_days = 0;
  int cdrs_days = 0;
  int cases_days = 0;  // counted from the case's last edit
  int audit_days = 0;
  int recordings_days = 0;  // counted from the recording's start; the files go with the rows
};

struct PurgeReport {
  std::int64_t at_ms = 0;
  std::int64_t events = 0, cdrs = 0, cases = 0, audit = 0, recordings = 0;
  std::int64_t calls = 0;  // call details, kept as long as CDRs
  // The files of the recordings purged: deleted once the rows' deletion is committed (a crash in
  // between leaves a file without a row, never a row without its file). Those that could not be
  // deleted (gone already, permissions) are counted.
  std::vector<std::string> recording_files;
  std::int64_t recording_files_failed = 0;
};

// A call recording (WAV) and what it is of. The file is written by telephony; the store keeps
// the row and deletes the file with it when retention expires.
struct Recording {
  std::int64_t id = 0;  // assigned by the store
  std::uint64_t contact = 0;
  std::string path;  // absolute
  std::int64_t started_ms = 0;
  std::int64_t duration_ms = 0;
  std::int64_t bytes = 0;
  std::string queue;  // names as configured when it was recorded
  std::string agent;
  bool cut_short = false;  // stopped before the call ended (disk space, shutdown)
  bool operator==(const Recording&) const = default;
};
Status Validate(const Recording& r);

// A write the store refused (it failed validation), set aside with why, so that it never blocks
// the writes behind it and an operator can see what was lost (`store info` counts them).
struct DeadLetter {
  std::int64_t at_ms = 0;
  std::string kind;    // "cdr", "audit"
  std::string reason;  // the validation error
  std::string body;    // a printable rendering of the write (SanitizeText), at most 4 KiB
};

// What a group commit writes, in one transaction: all of it or none of it.
struct WriteBatch {
  std::vector<core::Event> events;
  std::vector<Cdr> cdrs;  // inserted or replaced by contact
  std::vector<AuditEntry> audit;
  std::vector<DeadLetter> dead_letters;
  std::vector<CallDetail> calls;  // inserted or replaced by contact
  bool empty() const {
    return events.empty() && cdrs.empty() && audit.empty() && dead_letters.empty() && calls.empty();
  }
  std::size_t size() const {
    return events.size() + cdrs.size() + audit.size() + dead_letters.size() + calls.size();
  }
};

// The longest text the store accepts in one field (notes, audit detail, a CDR field), in bytes.
inline constexpr std::size_t kMaxTextBytes = 64 * 1024;
// kInvalidArgument naming the field if any text is not UTF-8, holds a NUL byte, or is longer
// than kMaxTextBytes. Commit and the case calls check it before writing anything.
Status CheckText(std::string_view field, std::string_view value);
bool ValidUtf8(std::string_view s);
Status Validate(const WriteBatch& batch);
Status Validate(const Cdr& cdr);
Status Validate(const AuditEntry& entry);
Status Validate(const CallDetail& call);
// `s` made storable whatever it holds: invalid UTF-8 and control bytes become \xNN, cut to
// `max_bytes` (on a character boundary).
std::string SanitizeText(std::string_view s, std::size_t max_bytes);
// Standard base64 (RFC 4648, with padding), for bytes kept in a text column.
std::string Base64Encode(std::string_view bytes);
Result<std::string> Base64Decode(std::string_view text);  // InvalidArgument if not base64
// A printable one-line rendering of a write, for a dead letter.
std::string Describe(const Cdr& cdr);
std::string Describe(const AuditEntry& entry);
std::string Describe(const CallDetail& call);

// A checkpoint of the server's state (engine and registries): start-up loads the latest and
// replays only the events after `seq`, so start-up does not grow with the age of the log.
struct Checkpoint {
  std::int64_t id = 0;
  std::int64_t seq = 0;  // the last event it covers (0: none)
  std::int64_t at_ms = 0;
  std::string body;  // opaque bytes (the store keeps them as base64 text)
};

struct StoreInfo {
  std::string where;  // Connection::Describe()
  int schema_version = 0;
  std::int64_t events = 0, cdrs = 0, cases = 0, audit = 0, users = 0, config_versions = 0;
  std::int64_t dead_letters = 0;
  std::int64_t checkpoints = 0;
  std::int64_t call_details = 0;
  std::int64_t last_checkpoint_seq = 0;
  std::int64_t recordings = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual Result<StoreInfo> Info() = 0;

  // Appends events (seq assigned in order), upserts CDRs, appends audit rows: one transaction.
  virtual Status Commit(const WriteBatch& batch) = 0;
  // Events with from <= time < to, in log order.
  virtual Result<std::vector<StoredEvent>> ReadEvents(Time from, Time to) = 0;
  // Events with seq > `seq`, in log order (what follows a checkpoint).
  virtual Result<std::vector<StoredEvent>> ReadEventsAfter(std::int64_t seq) = 0;
  // Stores a checkpoint covering every event committed so far (one transaction); returns the
  // seq it covers. The three newest are kept.
  virtual Result<std::int64_t> SaveCheckpoint(std::int64_t at_ms, std::string_view body) = 0;
  virtual Result<std::optional<Checkpoint>> LoadLatestCheckpoint() = 0;
  // The highest seq stored, 0 for an empty log.
  virtual Result<std::int64_t> LastEventSeq() = 0;
  // CDRs of calls that arrived in [from, to), by arrival.
  virtual Result<std::vector<Cdr>> ReadCdrs(Time from, Time to) = 0;
  // The phone system's records of calls whose INVITE arrived in [from, to), by that time.
  virtual Result<std::vector<CallDetail>> ReadCallDetails(Time from, Time to) = 0;

  // Creates a case with its first edits, links and audit row, in one transaction; returns its
  // id. The confirmation number must be unique (kFailedPrecondition if taken: draw another).
  virtual Result<std::int64_t> CreateCase(const CaseHeader& header, const CaseWrite& first) = 0;
  // Appends edits (versions numbered by the store), adds links (existing ones are kept) and
  // writes the audit row, in one transaction, to a case whose latest version is `base_version`;
  // kFailedPrecondition if someone else edited it since (reload and retry), kNotFound for an
  // unknown case.
  virtual Status UpdateCase(std::int64_t case_id, std::int64_t base_version,
                            const CaseWrite& change) = 0;
  virtual Result<StoredCase> LoadCase(std::int64_t case_id) = 0;
  virtual Result<StoredCase> LoadCaseByConfirmation(const std::string& confirmation) = 0;

  virtual Result<std::vector<AuditEntry>> ReadAudit(const AuditQuery& query) = 0;

  virtual Status PutUser(const User& user) = 0;
  virtual Result<std::vector<User>> ListUsers() = 0;

  // Stores a configuration text, with its layout (the ids of its agents and queues, as
  // config/layout.h writes it; empty: by position, as before layouts); returns its version
  // number (1, 2, ...).
  virtual Result<std::int64_t> SaveConfigVersion(std::int64_t at_ms, const std::string& author,
                                                 const std::string& text,
                                                 const std::string& layout = "") = 0;
  virtual Result<std::string> LoadConfigVersion(std::int64_t version) = 0;
  // The layout stored with a version ("" for versions stored before layouts).
  virtual Result<std::string> LoadConfigLayout(std::int64_t version) = 0;
  // The newest configuration version, 0 if none (cheap: start-up must not scan the log).
  virtual Result<std::int64_t> LatestConfigVersion() = 0;

  // Stores a recording's row (its id assigned); kInvalidArgument for bad text or a relative path.
  virtual Result<std::int64_t> AddRecording(const Recording& recording) = 0;
  // Recordings that started in [from, to), by start.
  virtual Result<std::vector<Recording>> ReadRecordings(Time from, Time to) = 0;

  // Deletes what the policy says has expired at `now`; reports the rows removed per kind and
  // records the purge itself in the audit log; expired recordings' files are deleted after the
  // commit. Events are removed only when a checkpoint covers
  // them (a restart needs the checkpoint and every event after it); a store that never held a
  // checkpoint (one written by `sim`) is purged by age alone.
  virtual Result<PurgeReport> Purge(const RetentionPolicy& policy, Time now) = 0;
};

// Opens (creating if needed) and migrates the store named by `url`:
//   "postgresql://..." or "postgres://..."   PostgreSQL
//   "sqlite:PATH" or a plain PATH              SQLite file
// kFailedPrecondition if the database has a newer schema than this binary knows.
Result<std::unique_ptr<Store>> OpenStore(const std::string& url);

}  // namespace sb::store
