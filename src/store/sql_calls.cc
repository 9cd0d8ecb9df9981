// The cdrs and call_details tables (Cdr, CallDetail, store.h), shared by both SQL back ends.

#include "store/sql_calls.h"

#include <string_view>

namespace sb::store {

namespace {

constexpr std::string_view kInsertCall =
    "INSERT INTO call_details (contact, call_id, trunk, source, caller, dialled, invite_ms, "
    "answered_ms, ivr_exit_ms, queued_ms, offered_ms, agent_answered_ms, ended_ms, agent, "
    "ended_by, cause, status, handover_ms, handover_from, hold_count, hold_ms, "
    "callback_attempts, callback_status, callback_cause) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (contact) DO UPDATE SET ";

// The caller's leg: every column, but a callback's outcome already there (written when the
// callback ended, should it come first) is kept.
constexpr std::string_view kUpdateAll =
    "call_id = excluded.call_id, trunk = excluded.trunk, source = excluded.source, "
    "caller = excluded.caller, dialled = excluded.dialled, "
    "invite_ms = excluded.invite_ms, answered_ms = excluded.answered_ms, "
    "ivr_exit_ms = excluded.ivr_exit_ms, queued_ms = excluded.queued_ms, "
    "offered_ms = excluded.offered_ms, "
    "agent_answered_ms = excluded.agent_answered_ms, ended_ms = excluded.ended_ms, "
    "agent = excluded.agent, ended_by = excluded.ended_by, cause = excluded.cause, "
    "status = excluded.status, handover_ms = excluded.handover_ms, "
    "handover_from = excluded.handover_from, hold_count = excluded.hold_count, "
    "hold_ms = excluded.hold_ms, "
    "callback_attempts = CASE WHEN excluded.callback_attempts = 0 THEN "
    "call_details.callback_attempts ELSE excluded.callback_attempts END, "
    "callback_status = CASE WHEN excluded.callback_attempts = 0 THEN "
    "call_details.callback_status ELSE excluded.callback_status END, "
    "callback_cause = CASE WHEN excluded.callback_attempts = 0 THEN "
    "call_details.callback_cause ELSE excluded.callback_cause END";

// A callback's outcome alone (invite_ms 0): its three columns.
constexpr std::string_view kUpdateCallback =
    "callback_attempts = excluded.callback_attempts, "
    "callback_status = excluded.callback_status, callback_cause = excluded.callback_cause";

}  // namespace

Status PutCallDetails(Connection& db, const std::vector<CallDetail>& calls) {
  const std::string all = std::string(kInsertCall) + std::string(kUpdateAll);
  const std::string callback = std::string(kInsertCall) + std::string(kUpdateCallback);
  for (const CallDetail& c : calls) {
    const SqlValue p[] = {static_cast<std::int64_t>(c.contact),
                          c.call_id,
                          c.trunk,
                          c.source,
                          c.caller,
                          c.dialled,
                          c.invite_ms,
                          c.answered_ms,
                          c.ivr_exit_ms,
                          c.queued_ms,
                          c.offered_ms,
                          c.agent_answered_ms,
                          c.ended_ms,
                          c.agent,
                          c.ended_by,
                          c.cause,
                          std::int64_t{c.status},
                          c.handover_ms,
                          c.handover_from,
                          c.hold_count,
                          c.hold_ms,
                          c.callback_attempts,
                          std::int64_t{c.callback_status},
                          c.callback_cause};
    SB_RETURN_IF_ERROR(db.Query(c.invite_ms == 0 ? callback : all, p).status());
  }
  return Status::Ok();
}

Result<std::vector<CallDetail>> ReadCallDetails(Connection& db, Time from, Time to) {
  const SqlValue p[] = {ToMillis(from), ToMillis(to)};
  SB_ASSIGN_OR_RETURN(
      auto rows,
      db.Query("SELECT contact, call_id, trunk, source, caller, dialled, invite_ms, answered_ms, "
               "ivr_exit_ms, queued_ms, offered_ms, agent_answered_ms, ended_ms, agent, "
               "ended_by, cause, status, handover_ms, handover_from, hold_count, hold_ms, "
               "callback_attempts, callback_status, callback_cause FROM call_details WHERE "
               "invite_ms >= ? AND "
               "invite_ms < ? ORDER BY invite_ms, contact",
               p));
  std::vector<CallDetail> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    CallDetail c;
    c.contact = static_cast<std::uint64_t>(AsInt(r[0]));
    c.call_id = AsText(r[1]);
    c.trunk = AsText(r[2]);
    c.source = AsText(r[3]);
    c.caller = AsText(r[4]);
    c.dialled = AsText(r[5]);
    c.invite_ms = AsInt(r[6]);
    c.answered_ms = AsInt(r[7]);
    c.ivr_exit_ms = AsInt(r[8]);
    c.queued_ms = AsInt(r[9]);
    c.offered_ms = AsInt(r[10]);
    c.agent_answered_ms = AsInt(r[11]);
    c.ended_ms = AsInt(r[12]);
    c.agent = AsText(r[13]);
    c.ended_by = AsText(r[14]);
    c.cause = AsText(r[15]);
    c.status = static_cast<std::int32_t>(AsInt(r[16]));
    c.handover_ms = AsInt(r[17]);
    c.handover_from = AsText(r[18]);
    c.hold_count = AsInt(r[19]);
    c.hold_ms = AsInt(r[20]);
    c.callback_attempts = AsInt(r[21]);
    c.callback_status = static_cast<std::int32_t>(AsInt(r[22]));
    c.callback_cause = AsText(r[23]);
    out.push_back(std::move(c));
  }
  return out;
}

// A CDR's disposition is the call's case disposition: taken from the CDR when it has one,
// else from the latest disposition edit of a case opened for the call (the agent may have
// saved it before the call ended); WriteCase updates it when it is set later.
Status PutCdr(Connection& db, const Cdr& c) {
  const std::int64_t contact = static_cast<std::int64_t>(c.contact);
  const SqlValue p[] = {contact,
                        c.arrival_ms,
                        c.ivr_ms,
                        c.queued_ms,
                        c.offered_ms,
                        c.answered_ms,
                        c.ended_ms,
                        std::int64_t{c.queue},
                        c.agent,
                        c.outcome,
                        c.disposition,
                        contact,
                        c.caller,
                        c.partner,
                        c.handover_ms,
                        c.handover_from,
                        c.callback_attempts};
  return db
      .Query(
          "INSERT INTO cdrs (contact, arrival_ms, ivr_ms, queued_ms, offered_ms, "
          "answered_ms, ended_ms, queue_id, agent, outcome, disposition, caller, partner, "
          "handover_ms, handover_from, callback_attempts) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(NULLIF(?, ''), (SELECT "
          "e.new_value FROM case_edits e JOIN cases k ON k.id = e.case_id WHERE "
          "k.call_id = ? AND e.field = 'disposition' ORDER BY e.case_id DESC, e.version "
          "DESC LIMIT 1), ''), ?, ?, ?, ?, ?) ON CONFLICT (contact) DO UPDATE "
          "SET arrival_ms = excluded.arrival_ms, ivr_ms = excluded.ivr_ms, "
          "queued_ms = excluded.queued_ms, offered_ms = excluded.offered_ms, "
          "answered_ms = excluded.answered_ms, ended_ms = excluded.ended_ms, "
          "queue_id = excluded.queue_id, agent = excluded.agent, "
          "outcome = excluded.outcome, disposition = CASE WHEN excluded.disposition <> '' "
          "THEN excluded.disposition ELSE cdrs.disposition END, "
          "caller = excluded.caller, partner = excluded.partner, "
          "handover_ms = excluded.handover_ms, handover_from = excluded.handover_from, "
          "callback_attempts = excluded.callback_attempts",
          p)
      .status();
}

Result<std::vector<Cdr>> ReadCdrs(Connection& db, Time from, Time to) {
  const SqlValue p[] = {ToMillis(from), ToMillis(to)};
  SB_ASSIGN_OR_RETURN(
      auto rows,
      db.Query("SELECT contact, arrival_ms, ivr_ms, queued_ms, offered_ms, answered_ms, "
               "ended_ms, queue_id, agent, outcome, disposition, caller, partner, handover_ms, "
               "handover_from, callback_attempts FROM cdrs "
               "WHERE arrival_ms >= ? AND arrival_ms < ? ORDER BY arrival_ms, contact",
               p));
  std::vector<Cdr> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    Cdr c;
    c.contact = static_cast<std::uint64_t>(AsInt(r[0]));
    c.arrival_ms = AsInt(r[1]);
    c.ivr_ms = AsInt(r[2]);
    c.queued_ms = AsInt(r[3]);
    c.offered_ms = AsInt(r[4]);
    c.answered_ms = AsInt(r[5]);
    c.ended_ms = AsInt(r[6]);
    c.queue = static_cast<std::uint32_t>(AsInt(r[7]));
    c.agent = AsInt(r[8]);
    c.outcome = AsText(r[9]);
    c.disposition = AsText(r[10]);
    c.caller = AsText(r[11]);
    c.partner = AsText(r[12]);
    c.handover_ms = AsInt(r[13]);
    c.handover_from = AsInt(r[14]);
    c.callback_attempts = AsInt(r[15]);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace sb::store
