// The SQLite driver. WAL mode so that readers (reports) never block the writer, and
// synchronous=FULL so that a commit the writer acknowledged survives a power cut, not only a
// crash of the process. One prepared statement per distinct SQL text, kept for the connection's
// life.

#include <sqlite3.h>

#include <string>
#include <unordered_map>

#include "store/connection.h"

namespace sb::store {
namespace {

Status FromSqlite(sqlite3* db, int rc, std::string_view what) {
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return Unavailable(msg + " (the disk or the database's size limit is full; free space)");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
      return Unavailable(msg);
    case SQLITE_CONSTRAINT:
      return FailedPrecondition(msg);
    default:
      return Internal(msg);
  }
}

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }
  std::string Describe() const override { return "sqlite:" + path_; }

  Status Exec(std::string_view sql) override {
    char* err = nullptr;
    const std::string text(sql);
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
    if (rc == SQLITE_OK) return Status::Ok();
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    Status s = FromSqlite(nullptr, rc, "sqlite");
    return Status(s.code(), "sqlite: " + msg);
  }

  Result<std::vector<Row>> Query(std::string_view sql, std::span<const SqlValue> params) override {
    SB_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    SB_RETURN_IF_ERROR(Bind(stmt, params));
    std::vector<Row> rows;
    while (true) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        Status s = FromSqlite(db_, rc, "sqlite");
        sqlite3_reset(stmt);
        return s;
      }
      const int n = sqlite3_column_count(stmt);
      Row row;
      row.reserve(n);
      for (int i = 0; i < n; ++i) row.push_back(Column(stmt, i));
      rows.push_back(std::move(row));
    }
    sqlite3_reset(stmt);
    changes_ = sqlite3_changes64(db_);
    return rows;
  }

  std::int64_t Changes() const override { return changes_; }

  using Connection::BulkInsert;
  Status BulkInsert(std::string_view table, std::span<const std::string_view> columns,
                    std::size_t count, const RowFiller& fill) override {
    std::string sql = "INSERT INTO " + std::string(table) + " (";
    std::string marks;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) {
        sql += ", ";
        marks += ", ";
      }
      sql += columns[i];
      marks += '?';
    }
    sql += ") VALUES (" + marks + ")";
    SB_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
    Row row(columns.size());
    for (std::size_t i = 0; i < count; ++i) {
      fill(i, row);
      sqlite3_reset(stmt);
      SB_RETURN_IF_ERROR(Bind(stmt, row));
      const int rc = sqlite3_step(stmt);
      if (rc != SQLITE_DONE) {
        Status s = FromSqlite(db_, rc, "sqlite insert into " + std::string(table));
        sqlite3_reset(stmt);
        return s;
      }
    }
    sqlite3_reset(stmt);
    return Status::Ok();
  }

  Status Recover() override {
    // A failed COMMIT may leave the transaction open; the writer retries from BEGIN.
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return Status::Ok();
  }

 private:
  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    auto it = cache_.find(std::string(sql));
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return FromSqlite(db_, rc, "sqlite prepare '" + std::string(sql) + "'");
    cache_.emplace(std::string(sql), stmt);
    return stmt;
  }

  Status Bind(sqlite3_stmt* stmt, std::span<const SqlValue> params) {
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int idx = static_cast<int>(i) + 1;
      int rc = SQLITE_OK;
      if (const auto* v = std::get_if<std::int64_t>(&params[i])) {
        rc = sqlite3_bind_int64(stmt, idx, *v);
      } else if (const auto* d = std::get_if<double>(&params[i])) {
        rc = sqlite3_bind_double(stmt, idx, *d);
      } else if (const auto* t = std::get_if<std::string>(&params[i])) {
        rc = sqlite3_bind_text64(stmt, idx, t->data(), t->size(), SQLITE_STATIC, SQLITE_UTF8);
      } else {
        rc = sqlite3_bind_null(stmt, idx);
      }
      if (rc != SQLITE_OK) return FromSqlite(db_, rc, "sqlite bind");
    }
    return Status::Ok();
  }

  static SqlValue Column(sqlite3_stmt* stmt, int i) {
    switch (sqlite3_column_type(stmt, i)) {
      case SQLITE_INTEGER:
        return static_cast<std::int64_t>(sqlite3_column_int64(stmt, i));
      case SQLITE_FLOAT:
        return sqlite3_column_double(stmt, i);
      case SQLITE_NULL:
        return std::monostate{};
      default: {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
        return std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt, i)));
      }
    }
  }

  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
  std::int64_t changes_ = 0;
};

}  // namespace

Result<std::unique_ptr<Connection>> OpenSqlite(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status s = FromSqlite(db, rc, "cannot open the SQLite store '" + path + "'");
    sqlite3_close_v2(db);
    return s;
  }
  auto conn = std::make_unique<SqliteConnection>(db, path);
  sqlite3_busy_timeout(db, 5000);
  // Checks the file really is a database now rather than at the first write.
  const std::string context = "cannot use '" + path + "' as the SQLite store";
  SB_RETURN_IF_ERROR(conn->Exec("SELECT count(*) FROM sqlite_master").WithContext(context));
  SB_RETURN_IF_ERROR(
      conn->Exec("PRAGMA page_size=8192; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                 "PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;")
          .WithContext(context));
  return std::unique_ptr<Connection>(std::move(conn));
}

}  // namespace sb::store
