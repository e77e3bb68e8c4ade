#include "support/stopped_processes.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>

namespace sicoop::testing {
namespace {

char StateOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = stat.rfind(')');
  return close == std::string::npos || close + 2 >= stat.size() ? 0 : stat[close + 2];
}

// A PostgreSQL backend that is closing its connection when the postmaster is stopped stays a
// zombie until the postmaster runs again: it can never take SIGSTOP, and it answers nothing.
TEST(StoppedProcessesTest, AChildThatHasExitedButIsNotReapedCountsAsStopped) {
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t parent = fork();
  ASSERT_GE(parent, 0);
  if (parent == 0) {
    const pid_t child = fork();
    if (child == 0) _exit(0);
    siginfo_t exited{};
    // WNOWAIT: waits for the exit and leaves the child a zombie, unreaped.
    if (waitid(P_PID, child, &exited, WEXITED | WNOWAIT) != 0) _exit(1);
    char byte = 'x';
    if (write(ready[1], &byte, 1) != 1) _exit(1);
    pause();  // never reaps the child
    _exit(0);
  }
  close(ready[1]);
  char byte = 0;
  ASSERT_EQ(read(ready[0], &byte, 1), 1);
  close(ready[0]);
  {
    StoppedProcesses stopped(parent);
    EXPECT_EQ(stopped.count(), 2u);  // the parent and its zombie child
    EXPECT_EQ(StateOf(parent), 'T');
  }
  EXPECT_NE(StateOf(parent), 'T');
  kill(parent, SIGKILL);
  waitpid(parent, nullptr, 0);
}

}  // namespace
}  // namespace sicoop::testing
