// The object lock on a real S3 server (the harness's s3proxy): taken, refused to a second run and
// released; kept by its renewals past its lease; removed by a holder stopped by Ctrl-C or SIGTERM,
// on its way out; left by a holder killed with SIGKILL, which a new
// run cannot take while the lease runs and takes once it has ended; and lost by a holder stopped
// (SIGSTOP) for longer than its lease, which learns it when it runs again and leaves the new
// holder's lock alone.
#include "storage/object_lock.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>
#include <sstream>
#include <thread>

#include "common/run_id.h"
#include "storage/s3_client.h"
#include "storage/s3_settings.h"
#include "support/files.h"
#include "support/test_servers.h"

namespace sicoop::storage {
namespace {

using namespace std::chrono_literals;

constexpr auto kWaitLimit = 20s;  // for anything the test waits on
constexpr char kPrefix[] = "lake";
constexpr char kName[] = "sicoop-lake";
constexpr char kKey[] = "lake/.sicoop-lake.lock";

// A client of the harness's S3 server, with its endpoint and keys as the AWS variables would give
// them (and a home without ~/.aws, so that nothing of this machine's enters).
std::unique_ptr<S3Client> NewClient() {
  AwsEnvironment environment;
  environment.endpoint_url = testing::S3Endpoint();
  environment.access_key_id = testing::S3AccessKey();
  environment.secret_access_key = testing::S3SecretKey();
  environment.region = testing::S3Region();
  environment.home = "/nonexistent";
  auto settings = S3Settings::Resolve(environment);
  if (!settings.ok()) {
    ADD_FAILURE() << settings.status().message();
    return nullptr;
  }
  auto client = S3Client::Create(*settings);
  if (!client.ok()) {
    ADD_FAILURE() << client.status().message();
    return nullptr;
  }
  return std::move(*client);
}

// The lock object's body, or nullopt when there is none.
std::optional<std::string> LockBody(const std::string& bucket) {
  auto client = NewClient();
  if (client == nullptr) return std::nullopt;
  auto body = client->GetSmall(bucket, kKey);
  if (!body.ok()) {
    EXPECT_EQ(body.status().reason(), Status::Reason::kNotFound) << body.status().message();
    return std::nullopt;
  }
  return *body;
}

TEST(ObjectLockS3Test, ARunTakesTheLockASecondIsRefusedAndTheReleaseFreesIt) {
  const std::string bucket = testing::FreshS3Bucket();
  ASSERT_FALSE(bucket.empty());
  std::string first_id;
  {
    auto first = ObjectLock::Acquire(NewClient(), bucket, kPrefix, kName);
    ASSERT_TRUE(first.ok()) << first.status().message();
    first_id = (*first)->run_id();
    ASSERT_TRUE(LockBody(bucket).has_value());
    EXPECT_NE(LockBody(bucket)->find("\"run_id\": \"" + first_id + "\""), std::string::npos) << *LockBody(bucket);

    auto second = ObjectLock::Acquire(NewClient(), bucket, kPrefix, kName);
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.status().message().find("s3a://" + bucket + "/lake is in use by another sicoop run (run " +
                                             first_id + " on host " + HostName() + ", pid " +
                                             std::to_string(getpid())),
              std::string::npos)
        << second.status().message();
    EXPECT_TRUE((*first)->Check().ok()) << (*first)->Check().message();
  }
  EXPECT_FALSE(LockBody(bucket).has_value()) << "the release left the lock behind";
  auto third = ObjectLock::Acquire(NewClient(), bucket, kPrefix, kName);
  ASSERT_TRUE(third.ok()) << third.status().message();
  EXPECT_NE((*third)->run_id(), first_id);
}

TEST(ObjectLockS3Test, RenewalsKeepTheLockPastItsLease) {
  const std::string bucket = testing::FreshS3Bucket();
  ASSERT_FALSE(bucket.empty());
  auto holder = ObjectLock::Acquire(NewClient(), bucket, kPrefix, kName, LeaseTimes{2s, 200ms});
  ASSERT_TRUE(holder.ok()) << holder.status().message();
  // Fifteen renewals take three seconds at least: more than the lease, so only the renewals keep
  // the lock from being taken over.
  const auto limit = std::chrono::steady_clock::now() + kWaitLimit;
  std::optional<std::string> body;
  while ((body = LockBody(bucket)) && body->find("\"renewal\": 15") == std::string::npos &&
         std::chrono::steady_clock::now() < limit) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(body.has_value());
  ASSERT_NE(body->find("\"renewal\": 15"), std::string::npos) << *body;
  auto second = ObjectLock::Acquire(NewClient(), bucket, kPrefix, kName, LeaseTimes{2s, 200ms});
  EXPECT_FALSE(second.ok()) << "a renewed lock was taken over";
  EXPECT_TRUE((*holder)->Check().ok()) << (*holder)->Check().message();
}

constexpr LeaseTimes kShortLease{3s, 300ms};

// Reads one line from `fd`, waiting at most kWaitLimit for each byte; what came when it ends early.
std::string ReadLine(int fd) {
  std::string line;
  char c = 0;
  pollfd ready = {fd, POLLIN, 0};
  while (poll(&ready, 1, static_cast<int>(std::chrono::milliseconds(kWaitLimit).count())) == 1 &&
         read(fd, &c, 1) == 1 && c != '\n') {
    line += c;
  }
  return line;
}

void WriteLine(int fd, const std::string& line) {
  const std::string text = line + "\n";
  (void)!write(fd, text.data(), text.size());
}

// A child process that takes the lock (kShortLease) and reports its run id. Then, once its lock is
// lost (bounded wait), it reports Check()'s message, releases the lock and reports "released"; it
// is killed by the test when it is not needed any more.
class Holder {
 public:
  explicit Holder(const std::string& bucket) {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) {
      ADD_FAILURE() << "pipe failed";
      return;
    }
    pid_ = fork();
    if (pid_ == 0) {
      close(pipe_fds[0]);
      Hold(bucket, pipe_fds[1]);
    }
    close(pipe_fds[1]);
    if (pid_ < 0) {
      close(pipe_fds[0]);
      ADD_FAILURE() << "fork failed";
      return;
    }
    reply_fd_ = pipe_fds[0];
    run_id_ = ReadLine(reply_fd_);
    if (run_id_.size() != 32) {
      ADD_FAILURE() << "the holder did not take the lock: " << (run_id_.empty() ? "no answer in time" : run_id_);
      run_id_.clear();
    }
  }
  ~Holder() {
    Kill();
    if (reply_fd_ >= 0) close(reply_fd_);
  }

  void Kill() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  pid_t pid() const { return pid_; }
  const std::string& run_id() const { return run_id_; }
  std::string NextLine() { return ReadLine(reply_fd_); }

  // The signal the holder died of once it ended by itself (its reply pipe closes then, waited for
  // at most kWaitLimit); 0 when it exited, -1 when it did not end.
  int DeathSignal() {
    if (pid_ <= 0 || !NextLine().empty()) return -1;
    pollfd closed = {reply_fd_, POLLIN, 0};
    char c = 0;
    if (poll(&closed, 1, 0) != 1 || read(reply_fd_, &c, 1) != 0) return -1;
    int status = 0;
    const pid_t ended = waitpid(pid_, &status, 0);
    pid_ = -1;
    return ended > 0 && WIFSIGNALED(status) ? WTERMSIG(status) : (ended > 0 ? 0 : -1);
  }

 private:
  [[noreturn]] static void Hold(const std::string& bucket, int reply_fd) {
    auto lock = ObjectLock::Acquire(NewClient(), bucket, kPrefix, kName, kShortLease);
    if (!lock.ok()) {
      WriteLine(reply_fd, "error: " + lock.status().message());
      _exit(1);
    }
    WriteLine(reply_fd, (*lock)->run_id());
    const auto limit = std::chrono::steady_clock::now() + 2 * kWaitLimit;
    while ((*lock)->Check().message().find("no longer this run's") == std::string::npos &&
           std::chrono::steady_clock::now() < limit) {
      std::this_thread::sleep_for(20ms);
    }
    WriteLine(reply_fd, (*lock)->Check().message());
    lock->reset();
    WriteLine(reply_fd, "released");
    while (true) pause();
  }

  pid_t pid_ = -1;
  int reply_fd_ = -1;
  std::string run_id_;
};

// Takes the lock once the lease of the lock in place has ended (each attempt before fails naming
// `holder_id`); nullopt when that did not happen within kWaitLimit.
std::optional<std::unique_ptr<ObjectLock>> TakeOnceFree(const std::string& bucket, const std::string& holder_id) {
  const auto limit = std::chrono::steady_clock::now() + kWaitLimit;
  while (std::chrono::steady_clock::now() < limit) {
    auto taken = ObjectLock::Acquire(NewClient(), bucket, kPrefix, kName, kShortLease);
    if (taken.ok()) return std::move(*taken);
    EXPECT_NE(taken.status().message().find("(run " + holder_id), std::string::npos) << taken.status().message();
    std::this_thread::sleep_for(200ms);
  }
  return std::nullopt;
}

TEST(ObjectLockS3Test, AKilledHoldersLockIsRefusedWhileItsLeaseRunsAndTakenOverAfter) {
  const std::string bucket = testing::FreshS3Bucket();
  ASSERT_FALSE(bucket.empty());
  Holder holder(bucket);
  ASSERT_FALSE(holder.run_id().empty());
  const pid_t pid = holder.pid();
  holder.Kill();  // as a crash: no release, no more renewals

  auto refused = ObjectLock::Acquire(NewClient(), bucket, kPrefix, kName, kShortLease);
  ASSERT_FALSE(refused.ok()) << "the killed holder's lock was taken before its lease ended";
  const std::string& message = refused.status().message();
  EXPECT_NE(message.find("in use by another sicoop run (run " + holder.run_id() + " on host " + HostName() +
                         ", pid " + std::to_string(pid) + ", since "),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("lapses when its lease of 3 s ends, in "), std::string::npos) << message;

  auto taken = TakeOnceFree(bucket, holder.run_id());
  ASSERT_TRUE(taken.has_value()) << "the lock was not taken over within the wait";
  auto body = LockBody(bucket);
  ASSERT_TRUE(body.has_value());
  EXPECT_NE(body->find((*taken)->run_id()), std::string::npos) << *body;
  EXPECT_EQ(body->find(holder.run_id()), std::string::npos) << *body;
}

TEST(ObjectLockS3Test, AHolderEndedByCtrlCOrSigtermRemovesItsLockSoThatTheNextRunTakesItAtOnce) {
  for (int signal_number : {SIGINT, SIGTERM}) {
    const std::string bucket = testing::FreshS3Bucket();
    ASSERT_FALSE(bucket.empty());
    Holder holder(bucket);
    ASSERT_FALSE(holder.run_id().empty());
    ASSERT_EQ(kill(holder.pid(), signal_number), 0);
    EXPECT_EQ(holder.DeathSignal(), signal_number);
    EXPECT_FALSE(LockBody(bucket).has_value()) << "signal " << signal_number << " left the lock behind";
    // Well within the holder's lease of 3 s.
    auto next = ObjectLock::Acquire(NewClient(), bucket, kPrefix, kName, kShortLease);
    EXPECT_TRUE(next.ok()) << next.status().message();
  }
}

TEST(ObjectLockS3Test, AHolderStoppedLongerThanItsLeaseLosesTheLockAndLeavesTheNewHoldersAlone) {
  const std::string bucket = testing::FreshS3Bucket();
  ASSERT_FALSE(bucket.empty());
  Holder holder(bucket);
  ASSERT_FALSE(holder.run_id().empty());
  ASSERT_EQ(kill(holder.pid(), SIGSTOP), 0);
  auto taken = TakeOnceFree(bucket, holder.run_id());
  ASSERT_EQ(kill(holder.pid(), SIGCONT), 0);
  ASSERT_TRUE(taken.has_value()) << "the stopped holder's lock was not taken over within the wait";

  const std::string lost = holder.NextLine();
  EXPECT_NE(lost.find("the lock s3a://" + bucket + "/" + kKey + " is no longer this run's: another sicoop run " +
                      "took it over (run " + (*taken)->run_id() + " on host "),
            std::string::npos)
      << lost;
  EXPECT_EQ(holder.NextLine(), "released");
  auto body = LockBody(bucket);
  ASSERT_TRUE(body.has_value()) << "the stopped holder's release removed the new holder's lock";
  EXPECT_NE(body->find((*taken)->run_id()), std::string::npos) << *body;
  EXPECT_TRUE((*taken)->Check().ok()) << (*taken)->Check().message();
}

}  // namespace
}  // namespace sicoop::storage
