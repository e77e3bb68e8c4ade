#include <iostream>

#include "cli/commands.h"

namespace sicoop::cli {

int ExitStatusOf(const Status& status) {
  if (status.ok()) return 0;
  // Every usage error ends with a hint (SPEC §3); the option parser's already name the command.
  bool needs_hint = status.is_usage() && status.message().find("--help") == std::string::npos;
  std::cerr << "sicoop: " << status.message() << (needs_hint ? " (see 'sicoop --help')" : "") << "\n";
  return status.is_usage() ? 2 : 1;
}

int RunSubcommand(const std::vector<std::string>& args, const std::string& usage,
                  const std::map<std::string, Subcommand>& subcommands, const std::string& choices) {
  if (args.empty()) return ExitStatusOf(Status::Usage("missing command (use " + choices + ")"));
  if (args[0] == "--help" || args[0] == "-h") {
    std::cout << usage;
    return 0;
  }
  auto found = subcommands.find(args[0]);
  if (found == subcommands.end()) {
    return ExitStatusOf(Status::Usage("unknown command '" + args[0] + "' (use " + choices + ")"));
  }
  return ExitStatusOf(found->second(std::vector<std::string>(args.begin() + 1, args.end())));
}

}  // namespace sicoop::cli
