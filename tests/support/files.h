// Small file helpers for tests.
#pragma once

#include <filesystem>
#include <string>

namespace sicoop::testing {

// The bytes of `path`; empty when it cannot be read.
std::string ReadWholeFile(const std::filesystem::path& path);

}  // namespace sicoop::testing
