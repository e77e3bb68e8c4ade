#include <iostream>

#include "cli/commands.h"
#include "cli/help_catalog.h"

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
    std::cout << usage << HelpSections(command.substr(command.find(' ') + 1));
    return 0;
  }
  auto found = subcommands.find(args[0]);
  if (found == subcommands.end()) {
    std::vector<std::string> known;
    for (const auto& [name, run] : subcommands) known.push_back(name);
    std::optional<std::string> nearest = NearestOf(args[0], known);
    return ExitStatusOf(Status::Usage("unknown command '" + args[0] + "'" +
                                      (nearest ? ": did you mean '" + command + " " + *nearest + "'?" : " (use " + choices + ")")),
                        command);
  }
  return ExitStatusOf(found->second(std::vector<std::string>(args.begin() + 1, args.end())), command + " " + args[0]);
}

}  // namespace sicoop::cli
