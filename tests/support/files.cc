#include "support/files.h"

#include <fstream>
#include <sstream>

namespace sicoop::testing {

std::string ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace sicoop::testing
