// switchboard phone-ha1 AGENT [--realm R]: the HA1 to put in a [[phone]] so that the agent's
// phone can REGISTER with its password, without the password ever being stored. The password is
// read from standard input (one line), never from the command line (ps would show it).

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "server/commands.h"
#include "sip/digest.h"

namespace sb::server {

void RegisterPhoneHa1Command(CLI::App& app) {
  struct Args {
    std::string agent, realm = "switchboard";
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "phone-ha1", "Print the HA1 (MD5 of agent:realm:password) for a [[phone]]'s ha1 key");
  cmd->footer(
      "Reads the password from standard input, e.g.\n"
      "  read -rs PW && printf '%s\\n' \"$PW\" | switchboard phone-ha1 sup-001 --realm example\n"
      "and prints 32 hex digits for `ha1 = \"...\"` in the agent's [[phone]]. The realm must be "
      "the [sip] realm (default \"switchboard\"): changing the realm needs new HA1s.");
  cmd->add_option("AGENT", a->agent, "the agent's name (the phone's SIP user name)")->required();
  cmd->add_option("--realm", a->realm, "the [sip] realm")->default_str("switchboard");
  cmd->callback([a] {
    if (isatty(STDIN_FILENO)) std::fprintf(stderr, "password for %s: ", a->agent.c_str());
    std::string password;
    if (!std::getline(std::cin, password) || password.empty()) {
      std::fprintf(stderr, "error: no password on standard input\n");
      ExitCode() = 2;
      return;
    }
    if (!password.empty() && password.back() == '\r') password.pop_back();
    std::printf("%s\n", sip::DigestHa1(a->agent, a->realm, password).c_str());
  });
}

}  // namespace sb::server
