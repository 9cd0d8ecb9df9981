#pragma once
// Test support: a real PostgreSQL server from Debian's postgresql package, started in a temporary
// directory on a free loopback port (initdb + pg_ctl, as the `postgres` user when run as root,
// since PostgreSQL refuses to run as root), stopped and removed at the end. Not for production.
// Thread safety: none.

#include <memory>
#include <string>

#include "base/result.h"

namespace sb::store::testing {

class PostgresServer {
 public:
  // kUnavailable with what to install if the PostgreSQL binaries are missing.
  // `durable`: fsync on, as in production (benchmarks); off by default, which is enough for
  // tests of what a killed client leaves behind and makes them faster.
  static Result<std::unique_ptr<PostgresServer>> Start(bool durable = false);
  ~PostgresServer();

  // A new empty database; returns its URL.
  Result<std::string> CreateDatabase(const std::string& name);
  std::string UrlOf(const std::string& database) const;
  int port() const { return port_; }

  // Fast shutdown and start again (same data), for the "PostgreSQL went away" tests.
  Status Stop();
  Status Restart();

 private:
  PostgresServer() = default;
  Status Run(const std::string& command) const;

  std::string bin_;  // directory of initdb and pg_ctl
  std::string dir_;  // data directory and socket
  std::string as_;   // "runuser -u postgres -- " when root
  int port_ = 0;
  bool durable_ = false;
  bool running_ = false;
};

// One server per test process, started on first use and stopped at exit; null (with the
// reason in *why) if it cannot start.
PostgresServer* SharedPostgres(std::string* why);

}  // namespace sb::store::testing
