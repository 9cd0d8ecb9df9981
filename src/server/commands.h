#pragma once
// The `switchboard` command line: each subcommand lives in its own cmd_*.cc and registers
// itself on the CLI11 app. A command's callback returns through ExitCode (process exit status).

#include <CLI/CLI.hpp>

namespace sb::server {

// Exit status a subcommand wants; set by its callback, read by main().
int& ExitCode();

void RegisterErlangCommand(CLI::App& app);
void RegisterStaffCommand(CLI::App& app);

}  // namespace sb::server
