#include <iostream>

#include "cli/commands.h"

namespace sicoop::cli {

int ExitStatusOf(const Status& status) {
  if (status.ok()) return 0;
  std::cerr << "sicoop: " << status.message() << "\n";
  return status.is_usage() ? 2 : 1;
}

}  // namespace sicoop::cli
