// One run at a time on an object store prefix: the lock that keeps two sicoop runs (on any hosts)
// from writing the same lake or output prefix at once, the object store's counterpart of
// pipeline/folder_lock.h.
//
// The lock is the object PREFIX/.NAME.lock, created only if absent (If-None-Match: *). It records
// the run id, host, pid and start time of its holder, for people. An object store has no lock that
// dies with its holder, so the lock is a lease: the holder rewrites the object every `renewal`,
// and a lock whose last write is older than `lease` on the server's own clock (no local clock
// involved) was left by a run that stopped renewing (killed, its host gone) and is taken over.
// Every change is conditional on the ETag read just before (If-Match), so that of two runs taking
// over the same expired lock only one wins, and a holder that was frozen longer than its lease
// learns at its next renewal that the lock is no longer its own: Check() then fails, and the run
// must not publish. Each renewal writes a new body (a renewal count), so a taker that judged the
// lock expired from an older ETag cannot remove a lock renewed since.
//
// A run stopped by a terminating signal (Ctrl-C, SIGTERM, SIGHUP, an abort) removes its lock on its
// way out, once its Spark operations and servers are stopped (common/cleanup.h), so that a rerun can
// start at once, as after a folder's lock. A run that ends without either (SIGKILL, a host lost)
// leaves the lock until its lease ends: the next run fails meanwhile, naming the holder and how long
// to wait.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/cleanup.h"
#include "common/status.h"
#include "storage/run_lock.h"
#include "storage/s3_client.h"

namespace sicoop::storage {

struct LeaseTimes {
  // How long a lock outlives its holder's last renewal (whole seconds: the server's clock is read
  // from HTTP dates).
  std::chrono::seconds lease{60};
  // How often the holder renews it (shorter than the lease): a quarter of the lease leaves room for
  // slow requests and a few transient errors before anyone may take it over.
  std::chrono::milliseconds renewal{15000};
};

class ObjectLock final : public RunLock {
 public:
  // Takes the lock `name` ("sicoop-lake") on `prefix` ("lake", "" for the bucket's root) of
  // `bucket`, through `client`, which the lock keeps for its renewals (they run on a thread of their
  // own, alongside the run's requests on its other clients). Fails naming the holder (run id, host,
  // pid, since) and what to do when another run holds it; fails with the store's error (bucket,
  // key, endpoint) when the lock cannot be written or read.
  static Result<std::unique_ptr<ObjectLock>> Acquire(std::unique_ptr<S3Client> client, const std::string& bucket,
                                                     const std::string& prefix, const std::string& name,
                                                     LeaseTimes times = {});

  ObjectLock(const ObjectLock&) = delete;
  ObjectLock& operator=(const ObjectLock&) = delete;
  // Stops renewing, then removes the lock unless another run has taken it over (a lock that
  // cannot be removed lapses when its lease ends).
  ~ObjectLock() override;

  const std::string& run_id() const override { return run_id_; }
  // Fails once another run took the lock over, or once no renewal has succeeded for so long
  // (three quarters of the lease by default: the lease less one renewal) that one may have.
  Status Check() const override;

  const std::string& bucket() const { return bucket_; }
  const std::string& key() const { return key_; }
  // "s3a://BUCKET/KEY", for messages.
  std::string url() const;

 private:
  ObjectLock(std::unique_ptr<S3Client> client, std::string bucket, std::string key, std::string run_id,
             std::string record, LeaseTimes times, std::string etag, std::chrono::steady_clock::time_point written);

  // Creates the wake pipes, starts the renewal thread and registers the signal's request to it.
  Status StartRenewing();
  // The renewal thread: rewrites the lock every renewal until released or taken over; on a
  // terminating signal, removes the lock and answers on done_pipe_.
  void RenewUntilReleased();
  // The renewal thread's answer to a terminating signal (run from RenewUntilReleased, which holds
  // `guard`).
  void RemoveOnSignal(std::unique_lock<std::mutex>& guard);

  const std::unique_ptr<S3Client> client_;
  const std::string bucket_;
  const std::string key_;
  const std::string run_id_;
  const std::string record_;  // the JSON members naming the holder, without the renewal count
  const LeaseTimes times_;

  mutable std::mutex mutex_;
  // The renewal thread sleeps in poll() on wake_pipe_: a byte there is the release (releasing_) or,
  // from the signal handler, a signal, which it answers on done_pipe_ once the lock is removed.
  int wake_pipe_[2] = {-1, -1};
  int done_pipe_[2] = {-1, -1};
  bool releasing_ = false;
  std::string etag_;                                // of the lock as this run last wrote it
  std::chrono::steady_clock::time_point confirmed_;  // when that write was sent
  std::string renewal_error_;                        // of the last renewal, when it failed
  std::optional<std::string> lost_;                  // why the lock is no longer this run's
  std::thread renewer_;
  CleanupRegistration on_signal_;
};

}  // namespace sicoop::storage
