// Runs the built sicoop executable as a user would, and captures what it printed.
#pragma once

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

}  // namespace sicoop::testing
