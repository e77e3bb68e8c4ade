#include "support/stopped_processes.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace sicoop::testing {
namespace {

// The parent of `pid`, from /proc/PID/stat ("pid (comm) state ppid ..."; comm may hold spaces).
pid_t ParentOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close + 1));
  char state = 0;
  pid_t parent = 0;
  rest >> state >> parent;
  return parent;
}

}  // namespace

StoppedProcesses::StoppedProcesses(pid_t pid) {
  if (pid <= 0 || kill(pid, SIGSTOP) != 0) {
    ADD_FAILURE() << "could not stop process " << pid;
    return;
  }
  pids_.push_back(pid);
  // Stopped first, the parent forks no new child while its children are listed.
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t child = static_cast<pid_t>(std::stol(name));
    if (ParentOf(child) == pid && kill(child, SIGSTOP) == 0) pids_.push_back(child);
  }
}

StoppedProcesses::~StoppedProcesses() {
  for (pid_t pid : pids_) kill(pid, SIGCONT);
}

pid_t PidFromFile(const std::string& path) {
  std::ifstream in(path);
  long pid = 0;
  in >> pid;
  return static_cast<pid_t>(pid);
}

}  // namespace sicoop::testing
