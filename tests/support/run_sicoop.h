// Runs the built sicoop executable as a user would, and captures what it printed.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace sicoop::testing {

struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr, interleaved
};

// Runs `sicoop args...` with `env` added to the environment (an empty value unsets nothing; use
// "PATH" etc. to replace).
RunResult RunSicoop(const std::vector<std::string>& args,
                    const std::vector<std::pair<std::string, std::string>>& env = {});

// Runs any command (`argv[0]` a path or a name on PATH) the same way.
RunResult RunCommand(const std::vector<std::string>& argv,
                     const std::vector<std::pair<std::string, std::string>>& env = {});

struct SplitRunResult {
  int exit_code = -1;  // 128+N when killed by signal N; -1 when it could not run
  std::string out;     // stdout
  std::string err;     // stderr, as a terminal received it when it was one
};

// Runs `sicoop args...` with stdout and stderr kept apart, both on pipes. A run still going after
// `limit` is killed (exit_code 128+9) and fails the test.
SplitRunResult RunSicoopSplit(const std::vector<std::string>& args,
                              const std::vector<std::pair<std::string, std::string>>& env = {},
                              std::chrono::seconds limit = std::chrono::seconds(600));

// The same with stderr on a pseudo-terminal, so that sicoop believes a person watches it.
SplitRunResult RunSicoopOnTerminal(const std::vector<std::string>& args,
                                   const std::vector<std::pair<std::string, std::string>>& env = {},
                                   std::chrono::seconds limit = std::chrono::seconds(600));

}  // namespace sicoop::testing
