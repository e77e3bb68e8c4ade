// Member reports as files in a local folder (docs/reports.md): DIR/associado-<id>-<period>.html,
// rendered (MemberPageHtml) and written by a pool of threads fed through a bounded queue, so that a
// batch keeps the cores busy while its memory stays that of the queue. Each file is written whole
// (storage::SmallFiles): under a hidden temporary name in the same folder, flushed to disk, then
// renamed over its name, so a reader (or a failed, killed or crashed run) never sees half a report
// under a report's name.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "report/member_page.h"
#include "storage/small_files.h"

namespace sicoop::report {

// "associado-<id>-<period>.html": the period is "YYYY-MM" for one month, "YYYY-MM_YYYY-MM" for more.
std::string MemberFileName(const MemberReport& report);

class MemberFiles {
 public:
  // `folder` must exist. `jobs` >= 1 threads; `on_written` (optional) is called after each file with
  // the number written so far, from the writing thread, one call at a time.
  MemberFiles(std::filesystem::path folder, int jobs, std::function<void(int64_t written)> on_written = {});
  // Without Finish: the queued reports are dropped, the threads stopped.
  ~MemberFiles();
  MemberFiles(const MemberFiles&) = delete;
  MemberFiles& operator=(const MemberFiles&) = delete;

  // Queues `report`, waiting while the queue is full. Once a file has failed, gives that failure and
  // queues nothing more.
  Status Add(MemberReport&& report);

  // Waits until every queued report is written and stops the threads; the first failure, if any.
  Status Finish();

  int64_t written() const;

 private:
  void Work();
  void Stop();
  Status Write(const MemberReport& report) const;

  const std::unique_ptr<storage::SmallFiles> folder_files_;
  const size_t capacity_;
  const std::function<void(int64_t)> on_written_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<MemberReport> queue_;  // guarded by mutex_, as the three below
  bool closing_ = false;
  Status failure_ = Status::Ok();
  int64_t written_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace sicoop::report
