#include "report/member_files.h"

namespace sicoop::report {
namespace {

namespace fs = std::filesystem;

// Reports queued per writing thread: enough to keep each busy while the query's stream delivers
// the next member, few enough that the queue's memory is a handful of members.
constexpr size_t kQueuedPerJob = 2;

}  // namespace

std::string MemberFileName(const MemberReport& report) {
  const std::string period =
      report.period_from == report.period_to ? report.period_from : report.period_from + "_" + report.period_to;
  return "associado-" + report.id_associado + "-" + period + ".html";
}

MemberFiles::MemberFiles(fs::path folder, int jobs, std::function<void(int64_t)> on_written)
    : folder_files_(storage::LocalFiles(std::move(folder))), capacity_(kQueuedPerJob * static_cast<size_t>(jobs)), on_written_(std::move(on_written)) {
  for (int i = 0; i < jobs; ++i) threads_.emplace_back([this] { Work(); });
}

MemberFiles::~MemberFiles() {
  {
    std::lock_guard lock(mutex_);
    queue_.clear();
  }
  Stop();
}

Status MemberFiles::Add(MemberReport&& report) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return queue_.size() < capacity_ || !failure_.ok(); });
  if (!failure_.ok()) return failure_;
  queue_.push_back(std::move(report));
  changed_.notify_all();
  return Status::Ok();
}

Status MemberFiles::Finish() {
  Stop();
  std::lock_guard lock(mutex_);
  return failure_;
}

int64_t MemberFiles::written() const {
  std::lock_guard lock(mutex_);
  return written_;
}

void MemberFiles::Stop() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

void MemberFiles::Work() {
  while (true) {
    MemberReport report;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return !queue_.empty() || closing_; });
      if (queue_.empty() || !failure_.ok()) return;  // closing with nothing left, or a file failed
      report = std::move(queue_.front());
      queue_.pop_front();
    }
    changed_.notify_all();  // room in the queue
    Status written = Write(report);
    std::lock_guard lock(mutex_);
    if (!written.ok()) {
      if (failure_.ok()) failure_ = written;
      changed_.notify_all();
      return;
    }
    ++written_;
    if (on_written_) on_written_(written_);
  }
}

Status MemberFiles::Write(const MemberReport& report) const {
  const std::string name = MemberFileName(report);
  const Status written = folder_files_->WriteWhole(name, MemberPageHtml(report));
  if (written.ok()) return written;
  return Status::Failure("cannot write the member report " + folder_files_->Describe(name) + " (" + written.message() +
                         "): check that the folder is writable and has room");
}

}  // namespace sicoop::report
