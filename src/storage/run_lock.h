// "A lock" as a run holds it, wherever it lives: a folder's (pipeline/folder_lock.h) or an object
// store prefix's (object_lock.h). Both keep two sicoop runs from writing the same output or lake at
// once; both name the run that holds them by a run id, which names that run's staging files.
#pragma once

#include <string>
#include <utility>

#include "common/status.h"

namespace sicoop::storage {

class RunLock {
 public:
  virtual ~RunLock() = default;

  // 32 hex digits (128 random bits): names this run's staging files or prefix.
  virtual const std::string& run_id() const = 0;

  // OK while the lock is still this run's; otherwise a failure saying who took it over, or why
  // that can no longer be ruled out. A run checks it right before it publishes anything, and does
  // not publish on a failure.
  virtual Status Check() const = 0;
};

// A RunLock over a lock that stays its holder's for as long as the holder lives, so that Check()
// has nothing to find: FolderLock, whose OFD lock the kernel drops only when the process dies.
// `Lock` offers run_id(); it is released when this object is destroyed.
template <typename Lock>
class LifelongRunLock final : public RunLock {
 public:
  explicit LifelongRunLock(Lock lock) : lock_(std::move(lock)) {}

  const std::string& run_id() const override { return lock_.run_id(); }
  Status Check() const override { return Status::Ok(); }
  const Lock& lock() const { return lock_; }

 private:
  Lock lock_;
};

}  // namespace sicoop::storage
