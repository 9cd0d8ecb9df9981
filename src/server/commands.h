#pragma once
// The `switchboard` command line: each subcommand lives in its own cmd_*.cc and registers
// itself on the CLI11 app. A command's callback sets ExitCode() (the process exit status).

#include <CLI/CLI.hpp>

namespace sb::server {

int& ExitCode();

void RegisterSimCommand(CLI::App& app);
void RegisterCheckConfigCommand(CLI::App& app);
void RegisterExplainCommand(CLI::App& app);
void RegisterReportCommand(CLI::App& app);
void RegisterErlangCommand(CLI::App& app);
void RegisterStaffCommand(CLI::App& app);
void RegisterForecastCommand(CLI::App& app);
void RegisterStoreCommand(CLI::App& app);
void RegisterCaseCommand(CLI::App& app);
void RegisterDirectoryCommands(CLI::App& app);
void RegisterServeCommand(CLI::App& app);
void RegisterPhoneHa1Command(CLI::App& app);

}  // namespace sb::server
