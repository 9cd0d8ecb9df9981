// The PostgreSQL driver over libpq. Statements are prepared once per connection under a name
// ("sb1", "sb2", ...) and run with text parameters; `?` placeholders become $1, $2, ... Bulk
// inserts use COPY, which is what makes group commit fast on PostgreSQL. A broken connection is
// reported as kUnavailable and re-established by Recover().

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <string>
#include <unordered_map>

#include "store/connection.h"

namespace sb::store {
namespace {

// OIDs of the built-in types we read back as numbers (pg_type.h).
constexpr Oid kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700, kFloat8 = 701, kNumeric = 1700,
              kBool = 16;

std::string Numbered(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  bool quoted = false;
  for (char ch : sql) {
    if (ch == '\'') quoted = !quoted;
    if (ch == '?' && !quoted) {
      out += '$' + std::to_string(++n);
    } else {
      out += ch;
    }
  }
  return out;
}

// Copy's text format: backslash, tab, newline and carriage return are escaped; \N is NULL.
void AppendCopyField(std::string& out, const SqlValue& v) {
  if (std::holds_alternative<std::monostate>(v)) {
    out += "\\N";
  } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
    out += std::to_string(*i);
  } else if (const auto* d = std::get_if<double>(&v)) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, *d);
    out.append(buf, r.ptr);
  } else {
    for (char ch : std::get<std::string>(v)) {
      switch (ch) {
        case '\\':
          out += "\\\\";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        default:
          out += ch;
      }
    }
  }
}

std::string Redacted(const std::string& url) {
  // postgresql://user:secret@host/db -> postgresql://user@host/db
  const auto scheme = url.find("://");
  const auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return url;
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon) + url.substr(at);
}

class PostgresConnection final : public Connection {
 public:
  PostgresConnection(PGconn* conn, std::string url) : conn_(conn), url_(std::move(url)) {}
  ~PostgresConnection() override { PQfinish(conn_); }

  Dialect dialect() const override { return Dialect::kPostgres; }
  std::string Describe() const override { return Redacted(url_); }

  Status Exec(std::string_view sql) override {
    PGresult* r = PQexec(conn_, std::string(sql).c_str());
    Status s = Check(r, "postgresql");
    PQclear(r);
    return s;
  }

  Result<std::vector<Row>> Query(std::string_view sql, std::span<const SqlValue> params) override {
    SB_ASSIGN_OR_RETURN(const std::string* name, Prepare(sql));
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (std::holds_alternative<std::monostate>(params[i])) continue;
      if (const auto* s = std::get_if<std::string>(&params[i])) {
        values[i] = s->c_str();
        continue;
      }
      AppendCopyField(text[i], params[i]);  // numbers print the same in both formats
      values[i] = text[i].c_str();
    }
    PGresult* r = PQexecPrepared(conn_, name->c_str(), static_cast<int>(params.size()),
                                 values.data(), nullptr, nullptr, 0);
    Status s = Check(r, "postgresql");
    if (!s.ok()) {
      PQclear(r);
      return s;
    }
    std::vector<Row> rows;
    const int nrows = PQntuples(r), ncols = PQnfields(r);
    rows.reserve(static_cast<std::size_t>(nrows));
    for (int i = 0; i < nrows; ++i) {
      Row row;
      row.reserve(static_cast<std::size_t>(ncols));
      for (int j = 0; j < ncols; ++j) row.push_back(Value(r, i, j));
      rows.push_back(std::move(row));
    }
    const char* changed = PQcmdTuples(r);
    changes_ = changed && *changed ? std::atoll(changed) : 0;
    PQclear(r);
    return rows;
  }

  std::int64_t Changes() const override { return changes_; }

  using Connection::BulkInsert;
  Status BulkInsert(std::string_view table, std::span<const std::string_view> columns,
                    std::size_t count, const RowFiller& fill) override {
    std::string sql = "COPY " + std::string(table) + " (";
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) sql += ", ";
      sql += columns[i];
    }
    sql += ") FROM STDIN";
    PGresult* r = PQexec(conn_, sql.c_str());
    if (PQresultStatus(r) != PGRES_COPY_IN) {
      Status s = Check(r, "postgresql copy");
      PQclear(r);
      return s.ok() ? Internal("postgresql: COPY did not start") : s;
    }
    PQclear(r);
    std::string buf;
    buf.reserve(1 << 16);
    bool sent = true;
    Row row(columns.size());
    for (std::size_t r = 0; r < count; ++r) {
      fill(r, row);
      for (std::size_t i = 0; i < row.size(); ++i) {
        if (i) buf += '\t';
        AppendCopyField(buf, row[i]);
      }
      buf += '\n';
      if (buf.size() > (1 << 16)) {
        sent = PQputCopyData(conn_, buf.data(), static_cast<int>(buf.size())) == 1;
        buf.clear();
        if (!sent) break;
      }
    }
    if (sent && !buf.empty())
      sent = PQputCopyData(conn_, buf.data(), static_cast<int>(buf.size())) == 1;
    PQputCopyEnd(conn_, sent ? nullptr : "client gave up");
    Status result;
    while ((r = PQgetResult(conn_)) != nullptr) {
      Status s = Check(r, "postgresql copy into " + std::string(table));
      if (result.ok() && !s.ok()) result = s;
      PQclear(r);
    }
    if (!sent && result.ok())
      result = Unavailable("postgresql: " + std::string(PQerrorMessage(conn_)));
    return result;
  }

  Status Recover() override {
    if (PQstatus(conn_) == CONNECTION_OK) {
      if (PQtransactionStatus(conn_) != PQTRANS_IDLE) {
        PGresult* r = PQexec(conn_, "ROLLBACK");
        PQclear(r);
      }
      if (PQstatus(conn_) == CONNECTION_OK) return Status::Ok();
    }
    PQreset(conn_);
    prepared_.clear();  // a new session has no prepared statements
    if (PQstatus(conn_) != CONNECTION_OK) {
      return Unavailable("postgresql at " + Describe() +
                         " is unreachable: " + PQerrorMessage(conn_));
    }
    return Status::Ok();
  }

 private:
  Result<const std::string*> Prepare(std::string_view sql) {
    auto it = prepared_.find(std::string(sql));
    if (it != prepared_.end()) return &it->second;
    std::string name = "sb" + std::to_string(++next_name_);
    PGresult* r = PQprepare(conn_, name.c_str(), Numbered(sql).c_str(), 0, nullptr);
    Status s = Check(r, "postgresql prepare");
    PQclear(r);
    if (!s.ok()) return s;
    return &prepared_.emplace(std::string(sql), std::move(name)).first->second;
  }

  Status Check(PGresult* r, std::string_view what) {
    const ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_COPY_IN) {
      return Status::Ok();
    }
    std::string msg =
        std::string(what) + ": " + (r ? PQresultErrorMessage(r) : PQerrorMessage(conn_));
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    if (PQstatus(conn_) != CONNECTION_OK) return Unavailable(msg);
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    const std::string code = state ? state : "";
    // Class 23: integrity constraint violation; P0001: raised by a trigger (audit immutability).
    if (code.rfind("23", 0) == 0 || code == "P0001") return FailedPrecondition(msg);
    // Class 22: data exception (invalid UTF-8, a value out of range).
    if (code.rfind("22", 0) == 0) return InvalidArgument(msg);
    // Class 53: insufficient resources (disk full); 57P: operator intervention (shutdown);
    // 08: connection exception.
    if (code.rfind("53", 0) == 0 || code.rfind("57P", 0) == 0 || code.rfind("08", 0) == 0) {
      return Unavailable(msg);
    }
    return Internal(msg);
  }

  static SqlValue Value(PGresult* r, int i, int j) {
    if (PQgetisnull(r, i, j)) return std::monostate{};
    const char* v = PQgetvalue(r, i, j);
    switch (PQftype(r, j)) {
      case kInt8:
      case kInt2:
      case kInt4:
        return static_cast<std::int64_t>(std::strtoll(v, nullptr, 10));
      case kFloat4:
      case kFloat8:
      case kNumeric:
        return std::strtod(v, nullptr);
      case kBool:
        return static_cast<std::int64_t>(v[0] == 't' ? 1 : 0);
      default:
        return std::string(v, static_cast<std::size_t>(PQgetlength(r, i, j)));
    }
  }

  PGconn* conn_;
  std::string url_;
  std::unordered_map<std::string, std::string> prepared_;
  int next_name_ = 0;
  std::int64_t changes_ = 0;
};

}  // namespace

Result<std::unique_ptr<Connection>> OpenPostgres(const std::string& url) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    PQfinish(conn);
    return Unavailable("cannot connect to PostgreSQL at " + Redacted(url) + ": " + msg +
                       " (is the server running, and does the URL name the right host, port "
                       "and database?)");
  }
  auto c = std::make_unique<PostgresConnection>(conn, url);
  SB_RETURN_IF_ERROR(c->Exec("SET client_min_messages = warning"));
  return std::unique_ptr<Connection>(std::move(c));
}

}  // namespace sb::store
