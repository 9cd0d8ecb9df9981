// switchboard: one binary for the server and its tools. main() only wires subcommands.

#include <cstdio>

#include "server/commands.h"

namespace sb::server {
int& ExitCode() {
  static int code = 0;
  return code;
}
}  // namespace sb::server

int main(int argc, char** argv) {
  CLI::App app{"Switchboard: a self-hosted contact center (routing engine, simulator, staffing)",
               "switchboard"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "switchboard 0.1.0");
  sb::server::RegisterSimCommand(app);
  sb::server::RegisterCheckConfigCommand(app);
  sb::server::RegisterExplainCommand(app);
  sb::server::RegisterReportCommand(app);
  sb::server::RegisterErlangCommand(app);
  sb::server::RegisterStaffCommand(app);
  sb::server::RegisterForecastCommand(app);
  sb::server::RegisterStoreCommand(app);
  sb::server::RegisterCaseCommand(app);
  sb::server::RegisterDirectoryCommands(app);
  sb::server::RegisterServeCommand(app);
  sb::server::RegisterPhoneHa1Command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 reports parse errors (and --help) by exception; this is the only place we catch it.
    return app.exit(e);
  }
  return sb::server::ExitCode();
}
