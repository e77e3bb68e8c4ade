#include "storage/object_lock.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <cstring>

#include "common/json.h"
#include "common/run_id.h"

namespace sicoop::storage {
namespace {

using Clock = std::chrono::steady_clock;

// Each attempt that finds the lock changed between two of its requests (released, renewed, or
// taken over by a third run) starts again; that cannot go on for long unless runs start in a tight
// loop.
constexpr int kAttempts = 5;

// How long a terminating signal waits for the lock's removal before the process ends anyway (the
// lock then lapses with its lease): a DELETE answers in milliseconds from a reachable store, and
// Ctrl-C must not seem to hang when the store is out of reach.
constexpr int kSignalWaitMs = 3000;

std::string Url(const std::string& bucket, const std::string& key) { return "s3a://" + bucket + "/" + key; }

// The prefix as a folder: no slash at either end, "" for the bucket's root.
std::string TrimSlashes(const std::string& prefix) {
  const size_t first = prefix.find_first_not_of('/');
  if (first == std::string::npos) return "";
  return prefix.substr(first, prefix.find_last_not_of('/') - first + 1);
}

std::string Body(const std::string& record, int64_t renewal) {
  return "{" + record + ", \"renewal\": " + std::to_string(renewal) + "}\n";
}

// The value of the member `name` of the flat JSON object that Body wrote, or "?": a string with its
// escapes undone, or a number.
std::string Member(const std::string& json, const std::string& name) {
  const std::string quoted = "\"" + name + "\":";
  size_t at = json.find(quoted);
  if (at == std::string::npos) return "?";
  at = json.find_first_not_of(' ', at + quoted.size());
  if (at == std::string::npos) return "?";
  if (json[at] != '"') {
    const size_t end = json.find_first_of(",}", at);
    return end == std::string::npos ? "?" : json.substr(at, end - at);
  }
  std::string value;
  for (size_t i = at + 1; i < json.size(); ++i) {
    if (json[i] == '"') return value;
    if (json[i] == '\\' && i + 1 < json.size()) ++i;  // \" and \\ as JsonString writes them
    value += json[i];
  }
  return "?";
}

// "run R on host H, pid P, since S", as FolderLock names its holder.
std::string HolderOf(const std::string& body) {
  if (Member(body, "run_id") == "?") return "holder unknown: its lock object is not sicoop's record";
  return "run " + Member(body, "run_id") + " on host " + Member(body, "host") + ", pid " + Member(body, "pid") +
         ", since " + Member(body, "since");
}

bool ChangedMeanwhile(const Status& status) {
  return status.reason() == Status::Reason::kConflict || status.reason() == Status::Reason::kNotFound;
}

}  // namespace

Result<std::unique_ptr<ObjectLock>> ObjectLock::Acquire(std::unique_ptr<S3Client> client, const std::string& bucket,
                                                        const std::string& prefix, const std::string& name,
                                                        LeaseTimes times) {
  assert(client != nullptr);
  assert(times.renewal < times.lease);  // else Check() fails from the start
  SICOOP_ASSIGN_OR_RETURN(std::string run_id, NewRunId());
  const std::string folder = TrimSlashes(prefix);
  const std::string key = (folder.empty() ? "" : folder + "/") + "." + name + ".lock";
  const std::string url = Url(bucket, key);
  const std::string record = "\"run_id\": " + JsonString(run_id) + ", \"host\": " + JsonString(HostName()) +
                             ", \"pid\": " + std::to_string(getpid()) + ", \"since\": " + JsonString(UtcNow());
  const int64_t lease_seconds = times.lease.count();

  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    const Clock::time_point sent = Clock::now();
    Result<std::string> created = client->Put(bucket, key, Body(record, 0), Condition::IfAbsent());
    if (created.ok()) {
      std::unique_ptr<ObjectLock> lock(
          new ObjectLock(std::move(client), bucket, key, run_id, record, times, *created, sent));
      SICOOP_RETURN_IF_ERROR(lock->StartRenewing());  // on failure, the lock's destructor removes it
      return lock;
    }
    if (created.status().reason() != Status::Reason::kConflict) {
      return created.status().WithContext("cannot take the lock " + url);
    }
    ObjectVersion version;
    Result<std::string> held = client->GetSmall(bucket, key, &version);
    if (held.status().reason() == Status::Reason::kNotFound) continue;  // released meanwhile
    if (!held.ok()) return held.status().WithContext("cannot read the lock " + url + " that another run holds");
    if (version.age_seconds <= lease_seconds) {
      // A takeover needs an age above the lease, in the whole seconds the server's dates give.
      const int64_t lapses_in = lease_seconds + 1 - version.age_seconds;
      return Status::Failure(
          "s3a://" + bucket + (folder.empty() ? "" : "/" + folder) + " is in use by another sicoop run (" +
          HolderOf(*held) + "; it renewed its lock " + std::to_string(version.age_seconds) +
          " s ago): wait for it to end or stop it, then run again. If that run is known to have died, its lock " + url +
          " lapses when its lease of " + std::to_string(lease_seconds) + " s ends, in " + std::to_string(lapses_in) +
          " s; run again then");
    }
    // Its holder stopped renewing it: removed only as we read it, so that of two runs doing this
    // at once only one removes it (the other finds it changed and starts again).
    Status removed = client->Delete(bucket, key, Condition::IfMatch(version.etag));
    if (!removed.ok() && !ChangedMeanwhile(removed)) {
      return removed.WithContext("cannot remove the expired lock " + url + " (" + HolderOf(*held) + ")");
    }
  }
  return Status::Failure("could not take the lock " + url + " in " + std::to_string(kAttempts) +
                         " attempts: other runs kept taking and releasing it; run again");
}

ObjectLock::ObjectLock(std::unique_ptr<S3Client> client, std::string bucket, std::string key, std::string run_id,
                       std::string record, LeaseTimes times, std::string etag, Clock::time_point written)
    : client_(std::move(client)),
      bucket_(std::move(bucket)),
      key_(std::move(key)),
      run_id_(std::move(run_id)),
      record_(std::move(record)),
      times_(times),
      etag_(std::move(etag)),
      confirmed_(written) {}

Status ObjectLock::StartRenewing() {
  if (pipe2(wake_pipe_, O_CLOEXEC) != 0 || pipe2(done_pipe_, O_CLOEXEC) != 0) {
    return Status::Failure("cannot create the pipes of the renewal thread of the lock " + url() + ": " +
                           std::strerror(errno) + "; check the open-file limit (ulimit -n), then run again");
  }
  // The thread starts with the terminating signals blocked: their handler runs on another thread
  // and waits for this one.
  sigset_t terminating;
  sigset_t previous;
  sigemptyset(&terminating);
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP, SIGABRT}) sigaddset(&terminating, signal_number);
  pthread_sigmask(SIG_BLOCK, &terminating, &previous);
  renewer_ = std::thread(&ObjectLock::RenewUntilReleased, this);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  // Last of the signal's actions, so that the lock goes only once Spark's operations are interrupted
  // and the servers stopped (common/cleanup.h): the next run must not start while this one's writes
  // into the prefix may still land.
  on_signal_ = CleanupRegistration::AskAndWaitLast(wake_pipe_[1], done_pipe_[0], kSignalWaitMs);
  return Status::Ok();
}

ObjectLock::~ObjectLock() {
  on_signal_.Release();
  {
    std::lock_guard<std::mutex> guard(mutex_);
    releasing_ = true;
  }
  if (wake_pipe_[1] >= 0) (void)!write(wake_pipe_[1], "!", 1);
  if (renewer_.joinable()) renewer_.join();
  for (int fd : {wake_pipe_[0], wake_pipe_[1], done_pipe_[0], done_pipe_[1]}) {
    if (fd >= 0) close(fd);
  }
  // A lock taken over is the other run's; one that cannot be removed now lapses with its lease.
  if (!lost_) (void)client_->Delete(bucket_, key_, Condition::IfMatch(etag_));
}

std::string ObjectLock::url() const { return Url(bucket_, key_); }

Status ObjectLock::Check() const {
  std::lock_guard<std::mutex> guard(mutex_);
  if (lost_) return Status::Failure(*lost_);
  const auto unconfirmed = Clock::now() - confirmed_;
  if (unconfirmed > times_.lease - times_.renewal) {
    return Status::Failure(
        "the lock " + url() + " could not be renewed for " +
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(unconfirmed).count()) +
        " s (" +
        (renewal_error_.empty() ? "a renewal is still waiting for the store" : "last error: " + renewal_error_) +
        "), so another run may have taken it over once its lease of " +
        std::to_string(times_.lease.count()) + " s ended: this run stops before publishing anything; run again");
  }
  return Status::Ok();
}

void ObjectLock::RenewUntilReleased() {
  std::unique_lock<std::mutex> guard(mutex_);
  for (int64_t renewal = 1;; ++renewal) {
    // A lock that is no longer this run's is not renewed: the thread waits for the release or a
    // signal only.
    const int timeout_ms = lost_ ? -1 : static_cast<int>(times_.renewal.count());
    guard.unlock();
    pollfd wake{wake_pipe_[0], POLLIN, 0};
    const int ready = poll(&wake, 1, timeout_ms);
    guard.lock();
    if (releasing_) return;
    if (ready > 0) {
      char byte;
      (void)!read(wake_pipe_[0], &byte, 1);
      RemoveOnSignal(guard);
      continue;
    }
    if (lost_) continue;  // woken by a signal that is not a terminating one
    const std::string etag = etag_;
    guard.unlock();
    const Clock::time_point sent = Clock::now();
    Result<std::string> renewed = client_->Put(bucket_, key_, Body(record_, renewal), Condition::IfMatch(etag));
    Status failure = renewed.status();
    std::string own_etag;  // of an earlier renewal that was written but whose answer was lost
    std::string taker;     // who has the lock now, when it is no longer ours
    if (!renewed.ok() && ChangedMeanwhile(renewed.status())) {
      ObjectVersion version;
      Result<std::string> now_held = client_->GetSmall(bucket_, key_, &version);
      if (now_held.ok() && Member(*now_held, "run_id") == run_id_) {
        own_etag = version.etag;
      } else if (now_held.ok()) {
        taker = "another sicoop run took it over (" + HolderOf(*now_held) + ") after this run had not renewed it " +
                "for longer than its lease of " + std::to_string(times_.lease.count()) +
                " s (was this process suspended, or the object store out of reach?)";
      } else if (now_held.status().reason() == Status::Reason::kNotFound) {
        taker = "someone removed it";
      } else {
        failure = now_held.status();
      }
    }
    guard.lock();
    if (renewed.ok()) {
      etag_ = *renewed;
      confirmed_ = sent;
      renewal_error_.clear();
    } else if (!own_etag.empty()) {
      etag_ = own_etag;  // renewed at the next tick under the ETag it has; confirmed_ waits for that
    } else if (!taker.empty()) {
      lost_ = "the lock " + url() + " is no longer this run's: " + taker +
              "; this run stops before publishing anything";
    } else {
      renewal_error_ = failure.message();  // transient as far as we know: tried again next time
    }
  }
}

void ObjectLock::RemoveOnSignal(std::unique_lock<std::mutex>& guard) {
  if (!lost_) {
    const std::string etag = etag_;
    // Check() fails from now on and the destructor leaves the lock alone: the run is ending.
    lost_ = "the lock " + url() + " was removed: this run was stopped by a signal";
    guard.unlock();
    // As the destructor does: a lock renewed or taken over since is left as it is.
    (void)client_->Delete(bucket_, key_, Condition::IfMatch(etag));
    guard.lock();
  }
  (void)!write(done_pipe_[1], "!", 1);
}

}  // namespace sicoop::storage
