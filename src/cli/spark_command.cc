#include "cli/commands.h"

namespace sicoop::cli {

int RunSpark(const std::vector<std::string>&) { return ExitStatusOf(Status::Failure("not implemented yet")); }

}  // namespace sicoop::cli
