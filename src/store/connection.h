#pragma once
// A connection to one SQL database: the small surface the store needs from SQLite and from
// PostgreSQL (libpq), so that the store's tables and queries are written once
// (sql_store.cc). Statements use `?` placeholders; the PostgreSQL driver numbers them.
// Prepared statements are cached per connection.
//
// Thread safety: none. A connection belongs to one thread (the store writer, or a reader such as
// a report command). Errors: kUnavailable for what may come back (disk full, database busy,
// server unreachable), kFailedPrecondition for a constraint or trigger refusing a row,
// kInternal for malformed SQL (a bug).

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "store/store.h"

namespace sb::store {

enum class Dialect { kSqlite, kPostgres };

// NULL, an integer, a real or text.
using SqlValue = std::variant<std::monostate, std::int64_t, double, std::string>;
using Row = std::vector<SqlValue>;

// Column accessors; a NULL or a value of another type reads as 0 / "".
std::int64_t AsInt(const SqlValue& v);
double AsReal(const SqlValue& v);
std::string AsText(const SqlValue& v);
bool IsNull(const SqlValue& v);

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // Where it points, without secrets: "sqlite:/var/lib/switchboard/store.db",
  // "postgresql://127.0.0.1:5432/switchboard".
  virtual std::string Describe() const = 0;

  // Runs statements without parameters (DDL, BEGIN, COMMIT, ROLLBACK).
  virtual Status Exec(std::string_view sql) = 0;
  // Runs one statement; returns its rows (none for INSERT/UPDATE/DELETE without RETURNING).
  virtual Result<std::vector<Row>> Query(std::string_view sql,
                                         std::span<const SqlValue> params) = 0;
  // Rows changed by the last INSERT, UPDATE or DELETE run through Query.
  virtual std::int64_t Changes() const = 0;
  // Inserts `count` rows into `table` fast (SQLite: one prepared INSERT in the caller's
  // transaction; PostgreSQL: COPY). `fill(i, row)` writes row i into a Row of columns.size()
  // values that is reused from one row to the next, so strings keep their capacity.
  using RowFiller = std::function<void(std::size_t i, Row& row)>;
  virtual Status BulkInsert(std::string_view table, std::span<const std::string_view> columns,
                            std::size_t count, const RowFiller& fill) = 0;
  Status BulkInsert(std::string_view table, std::span<const std::string_view> columns,
                    std::span<const Row> rows) {
    return BulkInsert(table, columns, rows.size(), [&](std::size_t i, Row& row) { row = rows[i]; });
  }
  // After kUnavailable: tries to get back to a working connection (PostgreSQL reconnects;
  // SQLite has nothing to do). OK when the database answers again.
  virtual Status Recover() = 0;
};

// Rows of (seq, body) from the events table, decoded; errors name the event and the store.
Result<std::vector<StoredEvent>> DecodeEventRows(const std::vector<Row>& rows,
                                                 const Connection& db);

// Opens an SQLite database file (created if missing) in WAL mode with full synchronous commits.
Result<std::unique_ptr<Connection>> OpenSqlite(const std::string& path);
// Connects to PostgreSQL with a libpq URL ("postgresql://user@host:port/db").
Result<std::unique_ptr<Connection>> OpenPostgres(const std::string& url);

}  // namespace sb::store
