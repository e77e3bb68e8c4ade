#include "support/stopped_processes.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace sicoop::testing {
namespace {

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
  struct KillAtTheEnd {
    pid_t pid;
    ~KillAtTheEnd() {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  } kill_at_the_end{parent};
  close(ready[1]);
  char byte = 0;
  ASSERT_EQ(read(ready[0], &byte, 1), 1);
  close(ready[0]);
  {
    StoppedProcesses stopped(parent);
    EXPECT_EQ(stopped.count(), 2u);  // the parent and its zombie child
    EXPECT_EQ(ProcessState(parent), 'T');
  }
  EXPECT_NE(ProcessState(parent), 'T');
}

}  // namespace
}  // namespace sicoop::testing
