#include "support/stopped_processes.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

namespace sicoop::testing {
namespace {

// The state and parent in a /proc stat file ("pid (comm) state ppid ..."; comm may hold spaces).
std::pair<char, pid_t> StateAndParent(const std::filesystem::path& stat_file) {
  std::ifstream in(stat_file);
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return {0, 0};
  std::istringstream rest(stat.substr(close + 1));
  char state = 0;
  pid_t parent = 0;
  rest >> state >> parent;
  return {state, parent};
}

pid_t ParentOf(pid_t pid) { return StateAndParent("/proc/" + std::to_string(pid) + "/stat").second; }

// The state of a thread of `pid` that still runs, or 0 once all have stopped: kill() only queues
// SIGSTOP, and a thread running on another core can still answer a query before it takes the signal.
char StateOfAThreadStillRunning(pid_t pid) {
  std::error_code error;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", error)) {
    const char state = StateAndParent(task.path() / "stat").first;
    // 0: the thread has gone; Z and X: it is exiting (a backend that was closing its connection
    // stays a zombie while its stopped parent cannot reap it), so it answers nothing either.
    if (state != 'T' && state != 't' && state != 'Z' && state != 'X' && state != 0) return state;
  }
  return 0;
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
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (pid_t stopped : pids_) {
    while (const char state = StateOfAThreadStillRunning(stopped)) {
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "process " << stopped << " did not stop within 5 s of SIGSTOP (a thread in state " << state
                      << ")";
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
}

StoppedProcesses::~StoppedProcesses() {
  for (pid_t pid : pids_) kill(pid, SIGCONT);
}

char ProcessState(pid_t pid) { return StateAndParent("/proc/" + std::to_string(pid) + "/stat").first; }

pid_t PidFromFile(const std::string& path) {
  std::ifstream in(path);
  long pid = 0;
  in >> pid;
  return static_cast<pid_t>(pid);
}

}  // namespace sicoop::testing
