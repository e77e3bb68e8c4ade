// `sicoop-db`: the `sicoop db` command alone (the same sources as build/sicoop's), so that the seed
// benchmark builds and runs without the Spark module.
#include <string>
#include <vector>

#include "cli/commands.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "db") args.erase(args.begin());
  return sicoop::cli::RunDb(args);
}
