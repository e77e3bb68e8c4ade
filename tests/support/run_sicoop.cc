#include "support/run_sicoop.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/process.h"
#include "support/files.h"
#include "support/test_servers.h"

namespace sicoop::testing {

RunResult RunCommand(const std::vector<std::string>& argv,
                     const std::vector<std::pair<std::string, std::string>>& env) {
  static int counter = 0;
  std::filesystem::path log = std::filesystem::temp_directory_path() /
                              ("sicoop-run-" + std::to_string(getpid()) + "-" + std::to_string(++counter) + ".log");
  ProcessSpec spec;
  spec.argv = argv;
  spec.env = env;
  spec.log_file = log.string();
  RunResult result;
  auto code = RunProcess(spec);
  result.exit_code = code.ok() ? code.value() : -1;
  result.output = code.ok() ? ReadWholeFile(log) : code.status().message();
  std::filesystem::remove(log);
  return result;
}

RunResult RunSicoop(const std::vector<std::string>& args,
                    const std::vector<std::pair<std::string, std::string>>& env) {
  std::vector<std::string> argv = {SicoopBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, env);
}

}  // namespace sicoop::testing
