// The sicoop commands. Each takes the arguments after its command word(s) and returns the process
// exit status: 0 success, 2 wrong usage, 1 any other failure (docs/output-contract.md).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/environment.h"
#include "common/status.h"

namespace sicoop::cli {

// `environment` is the process's, read once by main.
int RunDb(const std::vector<std::string>& args, const Environment& environment);     // sicoop db init|seed ...
int RunEtl(const std::vector<std::string>& args, const Environment& environment);    // sicoop etl ...
int RunLake(const std::vector<std::string>& args, const Environment& environment);   // sicoop lake ingest|build|export ...
int RunReport(const std::vector<std::string>& args, const Environment& environment);  // sicoop report member|members ...
int RunDemo(const std::vector<std::string>& args, const Environment& environment);   // sicoop demo ...
int RunSpark(const std::vector<std::string>& args, const Environment& environment);  // sicoop spark start|stop|status ...
int RunDoctor(const std::vector<std::string>& args, const Environment& environment);  // sicoop doctor ...

// Prints "sicoop: <message>" to stderr for a failed status, a usage error followed by the hint
// "(see '<command> --help')", and returns its exit status. `command` is e.g. "sicoop etl".
int ExitStatusOf(const Status& status, const std::string& command);

// Runs the subcommand named by args[0] of `command` (e.g. "sicoop db") with the rest of `args`;
// prints `usage` to stdout for --help, and a usage error naming `choices` when there is none or an
// unknown one.
using Subcommand = std::function<Status(const std::vector<std::string>&)>;
int RunSubcommand(const std::vector<std::string>& args, const std::string& usage,
                  const std::map<std::string, Subcommand>& subcommands, const std::string& choices,
                  const std::string& command);

}  // namespace sicoop::cli
