// Small file helpers for tests.
#pragma once

#include <filesystem>
#include <string>

namespace sicoop::testing {

// The bytes of `path`; empty when it cannot be read.
std::string ReadWholeFile(const std::filesystem::path& path);

// A new, empty folder in the temporary directory, named after `prefix`, this process and the running
// test.
std::filesystem::path MakeTestFolder(const std::string& prefix);

}  // namespace sicoop::testing
