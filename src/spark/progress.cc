#include "spark/progress.h"

#include <unistd.h>

#include <cstdio>

namespace sicoop::spark {
namespace {

constexpr const char* kEraseLine = "\r\033[K";

std::string Megabytes(int64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return text;
}

}  // namespace

// Spark's stage numbers are its own bookkeeping (a run's stages are numbered from where the server
// left off), so the line counts tasks over all stages; the input read is shown once there is some.
std::string FormatProgress(const ExecutionProgress& progress) {
  if (progress.stages.empty()) return "Spark: starting";
  int64_t tasks = 0;
  int64_t done = 0;
  int64_t bytes_read = 0;
  for (const auto& stage : progress.stages) {
    tasks += stage.num_tasks;
    done += stage.num_completed_tasks;
    bytes_read += stage.input_bytes_read;
  }
  std::string text = "Spark: " + std::to_string(done) + "/" + std::to_string(tasks) + " tasks done";
  if (progress.num_inflight_tasks > 0) text += ", " + std::to_string(progress.num_inflight_tasks) + " running";
  if (bytes_read > 0) text += ", " + Megabytes(bytes_read) + " read";
  return text;
}

TerminalProgress::TerminalProgress() : enabled_(isatty(STDERR_FILENO) == 1) {}

void TerminalProgress::Show(const std::string& line) {
  if (!enabled_) return;
  std::fprintf(stderr, "%s%s", kEraseLine, line.c_str());
  std::fflush(stderr);
  shown_ = true;
}

void TerminalProgress::Finish() {
  if (!shown_) return;
  std::fprintf(stderr, "%s", kEraseLine);
  std::fflush(stderr);
  shown_ = false;
}

}  // namespace sicoop::spark
