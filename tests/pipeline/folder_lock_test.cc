// The folder lock against real holders: this process, a forked child, and a process in a PID
// namespace of its own (whose pid means nothing here), alive and then killed by SIGKILL.
#include "pipeline/folder_lock.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "support/files.h"

namespace sicoop::pipeline {
namespace {
namespace fs = std::filesystem;

constexpr int kReplyTimeoutMs = 20'000;

std::set<std::string> Names(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename().string());
  return names;
}

// Reads one line from `fd`, waiting at most kReplyTimeoutMs; nullopt when nothing came.
std::optional<std::string> ReadLine(int fd) {
  std::string line;
  char c = 0;
  while (true) {
    pollfd ready = {fd, POLLIN, 0};
    if (poll(&ready, 1, kReplyTimeoutMs) != 1 || read(fd, &c, 1) != 1) return std::nullopt;
    if (c == '\n') return line;
    line += c;
  }
}

void WriteLine(int fd, const std::string& line) {
  std::string text = line + "\n";
  (void)!write(fd, text.data(), text.size());
}

// A process that takes the lock and holds it until it is killed. In its own PID namespace, when
// asked, it is pid 1 there: the holder's pid in the lock file names nothing in this namespace.
class Holder {
 public:
  // Starts the holder; empty run_id() when it could not take the lock (the test has failed then).
  Holder(const fs::path& dir, bool own_pid_namespace) {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) {
      ADD_FAILURE() << "pipe: " << std::strerror(errno);
      return;
    }
    pid_ = fork();
    if (pid_ == 0) {
      close(pipe_fds[0]);
      if (own_pid_namespace) RunInNewPidNamespace(dir, pipe_fds[1]);
      HoldAndReport(dir, pipe_fds[1]);
    }
    close(pipe_fds[1]);
    if (pid_ < 0) {
      ADD_FAILURE() << "fork: " << std::strerror(errno);
      close(pipe_fds[0]);
      return;
    }
    // The line the holder reports: "RUN_ID PID_AS_IT_SEES_IT PID_HERE" or "error: ...".
    std::optional<std::string> reply = ReadLine(pipe_fds[0]);
    close(pipe_fds[0]);
    if (!reply || reply->rfind("error", 0) == 0) {
      if (reply && reply->find("unshare") != std::string::npos) unsupported_ = *reply;
      else ADD_FAILURE() << "the holder did not take the lock: " << reply.value_or("no answer in time");
      return;
    }
    std::istringstream in(*reply);
    in >> run_id_ >> pid_inside_ >> pid_outside_;
  }
  ~Holder() { Kill(); }

  // SIGKILL, as a crash: nothing of the holder's runs after it.
  void Kill() {
    if (pid_outside_ > 0) kill(pid_outside_, SIGKILL);
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    pid_ = pid_outside_ = -1;
  }

  const std::string& run_id() const { return run_id_; }
  long pid_inside() const { return pid_inside_; }
  // Why a PID namespace could not be made (not root, no user namespaces): empty when it was.
  const std::string& unsupported() const { return unsupported_; }

 private:
  [[noreturn]] static void HoldAndReport(const fs::path& dir, int reply_fd, long pid_outside = 0) {
    auto lock = FolderLock::Acquire(dir, "movimento_flat");
    if (!lock.ok()) {
      WriteLine(reply_fd, "error: " + lock.status().message());
      _exit(1);
    }
    WriteLine(reply_fd, lock->run_id() + " " + std::to_string(getpid()) + " " +
                            std::to_string(pid_outside > 0 ? pid_outside : getpid()));
    while (true) pause();
  }

  // unshare(CLONE_NEWPID) puts the children made after it in a new namespace: the holder is the
  // grandchild, pid 1 there; this child reports its pid as seen here, so the test can kill it.
  [[noreturn]] static void RunInNewPidNamespace(const fs::path& dir, int reply_fd) {
    if (unshare(CLONE_NEWPID) != 0) {
      WriteLine(reply_fd, std::string("error: unshare(CLONE_NEWPID): ") + std::strerror(errno));
      _exit(1);
    }
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) _exit(1);
    pid_t holder = fork();
    if (holder == 0) {
      close(pipe_fds[0]);
      HoldAndReport(dir, pipe_fds[1]);
    }
    close(pipe_fds[1]);
    std::optional<std::string> reply = ReadLine(pipe_fds[0]);
    if (!reply || reply->rfind("error", 0) == 0) {
      WriteLine(reply_fd, reply.value_or("error: no answer from the holder"));
      _exit(1);
    }
    // Replace the holder's own view of its pid (1) with ours of it, keeping its run id and view.
    std::istringstream in(*reply);
    std::string run_id;
    long inside = 0;
    in >> run_id >> inside;
    WriteLine(reply_fd, run_id + " " + std::to_string(inside) + " " + std::to_string(holder));
    int status = 0;
    waitpid(holder, &status, 0);
    _exit(0);
  }

  pid_t pid_ = -1;
  long pid_outside_ = -1;
  long pid_inside_ = -1;
  std::string run_id_;
  std::string unsupported_;
};

class FolderLockTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTestFolder("sicoop-folder-lock"); }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path LockFile() const { return dir_ / ".movimento_flat.lock"; }

  // Acquire must fail while `holder` lives, naming it; then, once it is killed, succeed.
  void ExpectRefusedThenTakenOver(Holder& holder, const std::string& expected_pid) {
    auto refused = FolderLock::Acquire(dir_, "movimento_flat");
    ASSERT_FALSE(refused.ok()) << "taken while run " << holder.run_id() << " holds it";
    const std::string& message = refused.status().message();
    EXPECT_NE(message.find("in use by another sicoop run"), std::string::npos) << message;
    EXPECT_NE(message.find("run " + holder.run_id() + " on host "), std::string::npos) << message;
    EXPECT_NE(message.find(", pid " + expected_pid + ", since "), std::string::npos) << message;
    EXPECT_NE(message.find(LockFile().string()), std::string::npos) << message;
    EXPECT_EQ(Names(dir_), std::set<std::string>{".movimento_flat.lock"}) << "a refused run leaves nothing";

    holder.Kill();
    auto taken = FolderLock::Acquire(dir_, "movimento_flat");
    ASSERT_TRUE(taken.ok()) << "not taken over from a killed holder: " << taken.status().message();
    EXPECT_NE(taken->run_id(), holder.run_id());
    EXPECT_NE(testing::ReadWholeFile(LockFile()).find("run_id=" + taken->run_id() + "\n"), std::string::npos);
  }

  fs::path dir_;
};

TEST_F(FolderLockTest, TakenWithARecordOfTheRunAndGoneWhenReleased) {
  {
    auto lock = FolderLock::Acquire(dir_, "movimento_flat");
    ASSERT_TRUE(lock.ok()) << lock.status().message();
    EXPECT_EQ(lock->run_id().size(), 32u);
    EXPECT_EQ(lock->run_id().find_first_not_of("0123456789abcdef"), std::string::npos) << lock->run_id();
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    const std::string record = testing::ReadWholeFile(LockFile());
    EXPECT_EQ(record.rfind("run_id=" + lock->run_id() + "\nhost=" + host + "\npid=" + std::to_string(getpid()) +
                               "\nsince=",
                           0),
              0u)
        << record;
    EXPECT_EQ(Names(dir_), std::set<std::string>{".movimento_flat.lock"});
  }
  EXPECT_TRUE(Names(dir_).empty());
}

TEST_F(FolderLockTest, RunIdsDiffer) {
  std::string first;
  {
    auto lock = FolderLock::Acquire(dir_, "movimento_flat");
    ASSERT_TRUE(lock.ok());
    first = lock->run_id();
  }
  auto lock = FolderLock::Acquire(dir_, "movimento_flat");
  ASSERT_TRUE(lock.ok());
  EXPECT_NE(lock->run_id(), first);
}

// OFD locks belong to an open file, not a process: a second run in the same process is refused too.
TEST_F(FolderLockTest, RefusedWhileHeldInThisProcessAndFreeOnceReleased) {
  std::optional<FolderLock> held;
  {
    auto lock = FolderLock::Acquire(dir_, "movimento_flat");
    ASSERT_TRUE(lock.ok());
    held.emplace(std::move(*lock));
  }
  auto refused = FolderLock::Acquire(dir_, "movimento_flat");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("run " + held->run_id()), std::string::npos) << refused.status().message();
  held.reset();
  EXPECT_TRUE(FolderLock::Acquire(dir_, "movimento_flat").ok());
}

TEST_F(FolderLockTest, RefusedWhileAnotherProcessHoldsItAndTakenOverWhenItIsKilled) {
  Holder holder(dir_, /*own_pid_namespace=*/false);
  ASSERT_FALSE(holder.run_id().empty());
  ExpectRefusedThenTakenOver(holder, std::to_string(holder.pid_inside()));
}

// The shared-volume case: the holder's pid (1, in its namespace) is no process here, and must not
// make it look dead.
TEST_F(FolderLockTest, RefusedWhileAProcessInAnotherPidNamespaceHoldsItAndTakenOverWhenItIsKilled) {
  Holder holder(dir_, /*own_pid_namespace=*/true);
  if (!holder.unsupported().empty()) GTEST_SKIP() << holder.unsupported();
  ASSERT_FALSE(holder.run_id().empty());
  EXPECT_EQ(holder.pid_inside(), 1);
  ExpectRefusedThenTakenOver(holder, "1");
}

// A lock file left by a run killed before it could remove it, and the temporary record of a run
// killed while it was taking the lock: the next run takes over and clears both.
TEST_F(FolderLockTest, LeftoversOfKilledRunsAreTakenOverAndCleared) {
  std::ofstream(LockFile()) << "run_id=0123456789abcdef0123456789abcdef\nhost=gone\npid=1\nsince=2026-01-01T00:00:00Z\n";
  std::ofstream(dir_ / ".movimento_flat.lock.fedcba9876543210fedcba9876543210") << "run_id=fedcba\n";
  auto lock = FolderLock::Acquire(dir_, "movimento_flat");
  ASSERT_TRUE(lock.ok()) << lock.status().message();
  EXPECT_EQ(Names(dir_), std::set<std::string>{".movimento_flat.lock"});
  EXPECT_NE(testing::ReadWholeFile(LockFile()).find("run_id=" + lock->run_id()), std::string::npos);
}

// A lock broken by hand (its file removed) and taken by a new run: the first run, when it ends,
// must not remove the new run's lock file.
TEST_F(FolderLockTest, ReleaseLeavesALockFileThatIsNotItsOwn) {
  auto first = std::make_optional(FolderLock::Acquire(dir_, "movimento_flat"));
  ASSERT_TRUE(first->ok());
  fs::remove(LockFile());
  auto second = FolderLock::Acquire(dir_, "movimento_flat");
  ASSERT_TRUE(second.ok()) << second.status().message();
  first.reset();
  EXPECT_NE(testing::ReadWholeFile(LockFile()).find("run_id=" + second->run_id()), std::string::npos);
}

TEST_F(FolderLockTest, AMissingFolderIsNamed) {
  auto lock = FolderLock::Acquire(dir_ / "missing", "movimento_flat");
  ASSERT_FALSE(lock.ok());
  EXPECT_NE(lock.status().message().find((dir_ / "missing").string()), std::string::npos) << lock.status().message();
}

}  // namespace
}  // namespace sicoop::pipeline
