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

// Writes 32 random bytes to the new file `path`, readable by its owner alone: a card-token key as
// `--token-key-file` takes it. Fails the running test and returns false when it cannot.
bool WriteTokenKeyFile(const std::filesystem::path& path);

}  // namespace sicoop::testing
