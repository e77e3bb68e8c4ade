#include "support/files.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace sicoop::testing {

std::string ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::filesystem::path MakeTestFolder(const std::string& prefix) {
  std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::replace(test.begin(), test.end(), '/', '_');  // parametrized tests: "Name/postgres"
  std::filesystem::path folder =
      std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(getpid()) + "-" + test);
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  return std::filesystem::canonical(folder);
}

bool WriteTokenKeyFile(const std::filesystem::path& path) {
  std::string bytes(32, '\0');
  std::ifstream random("/dev/urandom", std::ios::binary);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  const bool written = random.read(bytes.data(), static_cast<std::streamsize>(bytes.size())) && fd >= 0 &&
                       ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  const bool closed = fd >= 0 && ::close(fd) == 0;
  EXPECT_TRUE(written && closed) << "cannot write the token key " << path;
  return written && closed;
}

}  // namespace sicoop::testing
