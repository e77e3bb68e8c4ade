// A server that stops answering, as a hung or suspended host does: SIGSTOP of a process and of its
// children (a PostgreSQL's postmaster and backends), while the kernel still accepts and acknowledges
// TCP for it. For servers of a test's own only: the harness servers are shared by other tests.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace sicoop::testing {

class StoppedProcesses {
 public:
  // Stops `pid` and every process whose parent it is.
  explicit StoppedProcesses(pid_t pid);
  // Lets them run again (SIGCONT).
  ~StoppedProcesses();
  StoppedProcesses(const StoppedProcesses&) = delete;
  StoppedProcesses& operator=(const StoppedProcesses&) = delete;

  // How many processes were stopped (0: nothing to stop, and the test failed).
  size_t count() const { return pids_.size(); }

 private:
  std::vector<pid_t> pids_;
};

// The state letter of a process (R, S, T, Z...) from /proc; 0 when it is gone.
char ProcessState(pid_t pid);

// The pid in the first line of a pid file (PostgreSQL's postmaster.pid, MariaDB's --pid-file), or 0.
pid_t PidFromFile(const std::string& path);

}  // namespace sicoop::testing
