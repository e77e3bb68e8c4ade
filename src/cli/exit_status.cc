#include <iostream>

#include "cli/commands.h"

namespace sicoop::cli {

int ExitStatusOf(const Status& status, const std::string& command) {
  if (status.ok()) return 0;
  // Every usage error ends with a hint (docs/output-contract.md), added here once for all of them.
  std::cerr << "sicoop: " << status.message() << (status.is_usage() ? " (see '" + command + " --help')" : "") << "\n";
  return status.is_usage() ? 2 : 1;
}

int RunSubcommand(const std::vector<std::string>& args, const std::string& usage,
                  const std::map<std::string, Subcommand>& subcommands, const std::string& choices,
                  const std::string& command) {
  if (args.empty()) return ExitStatusOf(Status::Usage("missing command (use " + choices + ")"), command);
  if (args[0] == "--help" || args[0] == "-h") {
    std::cout << usage;
    return 0;
  }
  auto found = subcommands.find(args[0]);
  if (found == subcommands.end()) {
    return ExitStatusOf(Status::Usage("unknown command '" + args[0] + "' (use " + choices + ")"), command);
  }
  return ExitStatusOf(found->second(std::vector<std::string>(args.begin() + 1, args.end())), command + " " + args[0]);
}

}  // namespace sicoop::cli
