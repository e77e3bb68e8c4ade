// "A lock" as a run holds it, wherever it lives: a folder's (pipeline/folder_lock.h) or an object
// store prefix's (object_lock.h). Both keep two sicoop runs from writing the same output or lake at
// once; both name the run that holds them by a run id, which names that run's staging files.
#pragma once

#include <string>

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

}  // namespace sicoop::storage
