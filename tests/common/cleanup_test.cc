// The signal-cleanup registry: a forked child registers actions and then dies of a signal (an abort
// included); the parent checks, with its own system calls, that the actions ran or did not.
#include "common/cleanup.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <thread>

namespace sicoop {
namespace {

namespace fs = std::filesystem;

// A `sleep 30` leading a process group of its own, child of this test process. Both sides set the
// group, so that it exists when this returns, whichever runs first.
pid_t StartSleeperGroup() {
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    execlp("sleep", "sleep", "30", static_cast<char*>(nullptr));
    _exit(127);
  }
  if (pid > 0) setpgid(pid, pid);
  return pid;
}

// How `pid` ended: the signal that killed it, or 0 when it exited. Blocks until it ends; a sleeper
// nobody signals ends by itself after 30 s, so the wait is bounded.
int DeathSignal(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

// Runs `body` in a forked child, which then dies of whatever `body` does; returns how it ended.
int RunInChild(const std::function<void()>& body) {
  pid_t child = fork();
  if (child == 0) {
    body();
    _exit(0);
  }
  return DeathSignal(child);
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

fs::path FreshFolder(const std::string& name) {
  fs::path folder = fs::path(::testing::TempDir()) / ("sicoop-cleanup-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(folder);
  fs::create_directories(folder / "data");
  std::ofstream(folder / "data" / "file") << "x";
  return folder;
}

TEST(CleanupTest, AbortTerminatesTheRegisteredProcessGroup) {
  pid_t sleeper = StartSleeperGroup();
  ASSERT_GT(sleeper, 0);
  int child_signal = RunInChild([sleeper] {
    CleanupRegistration registration = CleanupRegistration::TerminateProcessGroup(sleeper);
    if (!registration.active()) _exit(3);
    std::abort();
  });
  EXPECT_EQ(child_signal, SIGABRT);
  EXPECT_EQ(DeathSignal(sleeper), SIGTERM);
}

TEST(CleanupTest, AbortRemovesTheRegisteredFolder) {
  fs::path folder = FreshFolder("abort");
  int child_signal = RunInChild([&folder] {
    // No postmaster.pid: nothing to stop, only the folder to remove.
    CleanupRegistration registration =
        CleanupRegistration::StopPostgresAndRemove((folder / "data" / "postmaster.pid").string(), folder.string());
    if (!registration.active()) _exit(3);
    std::abort();
  });
  EXPECT_EQ(child_signal, SIGABRT);
  EXPECT_FALSE(fs::exists(folder));
}

// A run's folder is removed after the request that stops the Spark operation writing into it has
// been answered, even when the folder was registered first: the thread that answers the request
// (as the Spark client's heartbeat does) still finds the folder, and the folder is gone afterwards.
TEST(CleanupTest, AFolderIsRemovedAfterTheRequestsAreAnswered) {
  fs::path folder = FreshFolder("order");
  fs::path seen = folder.string() + ".seen";
  fs::remove(seen);
  int child_signal = RunInChild([&folder, &seen] {
    CleanupRegistration remove = CleanupRegistration::RemoveFolder(folder.string());
    int request[2];
    int done[2];
    if (!remove.active() || pipe(request) != 0 || pipe(done) != 0) _exit(3);
    sigset_t terminating;
    sigemptyset(&terminating);
    sigaddset(&terminating, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &terminating, nullptr);
    std::thread answering([&] {
      char byte;
      if (read(request[0], &byte, 1) == 1) {
        std::ofstream(seen) << (fs::exists(folder / "data" / "file") ? "there" : "gone");
        (void)!write(done[1], "!", 1);
      }
    });
    answering.detach();
    pthread_sigmask(SIG_UNBLOCK, &terminating, nullptr);
    CleanupRegistration ask = CleanupRegistration::AskAndWait(request[1], done[0], 5000);
    if (!ask.active()) _exit(3);
    raise(SIGTERM);
    _exit(4);
  });
  EXPECT_EQ(child_signal, SIGTERM);
  EXPECT_EQ(ReadFile(seen), "there");
  EXPECT_FALSE(fs::exists(folder));
  fs::remove(seen);
}

// The last request (an object store lock's release) is asked after every other action, even when
// it was registered first: its thread finds the other request answered and the folder gone.
TEST(CleanupTest, TheLastRequestIsAskedAfterTheOtherRequestsAndTheFolders) {
  fs::path folder = FreshFolder("last");
  fs::path seen = folder.string() + ".seen";
  fs::remove(seen);
  int child_signal = RunInChild([&folder, &seen] {
    int last_request[2];
    int last_done[2];
    int request[2];
    int done[2];
    if (pipe(last_request) != 0 || pipe(last_done) != 0 || pipe(request) != 0 || pipe(done) != 0) _exit(3);
    sigset_t terminating;
    sigemptyset(&terminating);
    sigaddset(&terminating, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &terminating, nullptr);
    std::atomic<bool> first_answered{false};
    std::thread answering([&] {
      char byte;
      if (read(request[0], &byte, 1) == 1) {
        first_answered = true;
        (void)!write(done[1], "!", 1);
      }
    });
    std::thread answering_last([&] {
      char byte;
      if (read(last_request[0], &byte, 1) == 1) {
        std::ofstream(seen) << (first_answered ? "answered" : "unanswered") << ","
                            << (fs::exists(folder) ? "there" : "gone");
        (void)!write(last_done[1], "!", 1);
      }
    });
    answering.detach();
    answering_last.detach();
    pthread_sigmask(SIG_UNBLOCK, &terminating, nullptr);
    CleanupRegistration last = CleanupRegistration::AskAndWaitLast(last_request[1], last_done[0], 5000);
    CleanupRegistration remove = CleanupRegistration::RemoveFolder(folder.string());
    CleanupRegistration ask = CleanupRegistration::AskAndWait(request[1], done[0], 5000);
    if (!last.active() || !remove.active() || !ask.active()) _exit(3);
    raise(SIGTERM);
    _exit(4);
  });
  EXPECT_EQ(child_signal, SIGTERM);
  EXPECT_EQ(ReadFile(seen), "answered,gone");
  fs::remove(seen);
}

TEST(CleanupTest, TerminatingSignalsRunTheActionsAndStillEndTheProcess) {
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
    pid_t sleeper = StartSleeperGroup();
    ASSERT_GT(sleeper, 0);
    int child_signal = RunInChild([sleeper, signal_number] {
      CleanupRegistration registration = CleanupRegistration::TerminateProcessGroup(sleeper);
      raise(signal_number);
      _exit(4);  // reached only if the signal did not end the process
    });
    EXPECT_EQ(child_signal, signal_number);
    EXPECT_EQ(DeathSignal(sleeper), SIGTERM) << "signal " << signal_number;
  }
}

TEST(CleanupTest, AReleasedActionDoesNotRun) {
  fs::path folder = FreshFolder("released");
  int child_signal = RunInChild([&folder] {
    CleanupRegistration registration =
        CleanupRegistration::StopPostgresAndRemove((folder / "data" / "postmaster.pid").string(), folder.string());
    CleanupRegistration moved = std::move(registration);
    moved.Release();
    std::abort();
  });
  EXPECT_EQ(child_signal, SIGABRT);
  EXPECT_TRUE(fs::exists(folder / "data" / "file"));
  fs::remove_all(folder);
}

TEST(CleanupTest, AnIgnoredSignalStopsNothing) {
  pid_t sleeper = StartSleeperGroup();
  ASSERT_GT(sleeper, 0);
  int child_signal = RunInChild([sleeper] {
    signal(SIGHUP, SIG_IGN);  // as under nohup
    CleanupRegistration registration = CleanupRegistration::TerminateProcessGroup(sleeper);
    raise(SIGHUP);
    registration.Release();
    _exit(0);
  });
  EXPECT_EQ(child_signal, 0);
  kill(-sleeper, SIGKILL);
  EXPECT_EQ(DeathSignal(sleeper), SIGKILL) << "the sleeper must have survived the ignored SIGHUP";
}

}  // namespace
}  // namespace sicoop
