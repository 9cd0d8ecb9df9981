#include "store/testing/postgres_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "store/connection.h"

namespace sb::store::testing {
namespace {

std::string FindBinDir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::string best;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const fs::path bin = entry.path() / "bin";
    if (fs::exists(bin / "initdb") && fs::exists(bin / "pg_ctl") && bin.string() > best) {
      best = bin.string();
    }
  }
  return best;
}

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

}  // namespace

Result<std::unique_ptr<PostgresServer>> PostgresServer::Start(bool durable) {
  std::unique_ptr<PostgresServer> s(new PostgresServer());
  s->durable_ = durable;
  s->bin_ = FindBinDir();
  if (s->bin_.empty()) {
    return Unavailable(
        "PostgreSQL server binaries not found under /usr/lib/postgresql: run "
        "scripts/install-deps.sh (Debian package postgresql)");
  }
  char tmpl[] = "/tmp/sb-pg-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return Unavailable("cannot create a temporary directory");
  s->dir_ = tmpl;
  if (geteuid() == 0) {
    s->as_ = "runuser -u postgres -- ";
    SB_RETURN_IF_ERROR(s->Run("chown postgres " + s->dir_));
  }
  SB_RETURN_IF_ERROR(s->Run(s->as_ + s->bin_ + "/initdb -D " + s->dir_ +
                            "/data -A trust -U postgres -E UTF8 --no-sync > " + s->dir_ +
                            "/initdb.log 2>&1"));
  for (int attempt = 0; attempt < 5 && !s->running_; ++attempt) {
    s->port_ = FreeLoopbackPort();
    if (s->port_ != 0 && s->Restart().ok()) break;
  }
  if (!s->running_) {
    return Unavailable("PostgreSQL did not start; see " + s->dir_ + "/server.log");
  }
  return s;
}

PostgresServer::~PostgresServer() {
  if (running_)
    (void)Run(as_ + bin_ + "/pg_ctl -D " + dir_ +
              "/data -m immediate -w stop "
              "> /dev/null 2>&1");
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

Status PostgresServer::Run(const std::string& command) const {
  const int rc = std::system(command.c_str());
  if (rc != 0) return Unavailable("'" + command + "' failed with status " + std::to_string(rc));
  return Status::Ok();
}

Status PostgresServer::Stop() {
  SB_RETURN_IF_ERROR(
      Run(as_ + bin_ + "/pg_ctl -D " + dir_ + "/data -m fast -w stop > /dev/null 2>&1"));
  running_ = false;
  return Status::Ok();
}

Status PostgresServer::Restart() {
  // Loopback only; the socket directory is ours; fsync off for tests, which do not outlive the
  // machine (durability against a killed *client* is what they check).
  SB_RETURN_IF_ERROR(Run(as_ + bin_ + "/pg_ctl -D " + dir_ + "/data -w -t 30 -l " + dir_ +
                         "/server.log -o \"-p " + std::to_string(port_) + " -k " + dir_ +
                         " -c listen_addresses=127.0.0.1 -c fsync=" + (durable_ ? "on" : "off") +
                         "\" start > /dev/null"));
  running_ = true;
  return Status::Ok();
}

std::string PostgresServer::UrlOf(const std::string& database) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database +
         "?connect_timeout=3";
}

Result<std::string> PostgresServer::CreateDatabase(const std::string& name) {
  SB_ASSIGN_OR_RETURN(auto admin, OpenPostgres(UrlOf("postgres")));
  SB_RETURN_IF_ERROR(admin->Exec("DROP DATABASE IF EXISTS " + name));
  SB_RETURN_IF_ERROR(admin->Exec("CREATE DATABASE " + name));
  return UrlOf(name);
}

PostgresServer* SharedPostgres(std::string* why) {
  static std::string error;
  static std::unique_ptr<PostgresServer> server = [] {
    auto s = PostgresServer::Start();
    if (!s.ok()) {
      error = s.status().ToString();
      return std::unique_ptr<PostgresServer>();
    }
    return std::move(s).value();
  }();
  if (!server && why) *why = error;
  return server.get();
}

}  // namespace sb::store::testing
