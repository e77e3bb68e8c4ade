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

std::string StageText(const ExecutionProgress::Stage& stage) {
  return "stage " + std::to_string(stage.stage_id) + " " + std::to_string(stage.num_completed_tasks) + "/" +
         std::to_string(stage.num_tasks) + " tasks";
}

}  // namespace

std::string FormatProgress(const ExecutionProgress& progress) {
  std::string stages;
  int64_t bytes_read = 0;
  for (const auto& stage : progress.stages) {
    bytes_read += stage.input_bytes_read;
    if (!stage.done) stages += (stages.empty() ? "" : ", ") + StageText(stage);
  }
  if (stages.empty() && !progress.stages.empty()) stages = StageText(progress.stages.back()) + " (done)";
  if (stages.empty()) stages = "starting";
  std::string text = "Spark: " + stages;
  if (progress.num_inflight_tasks > 0) text += ", " + std::to_string(progress.num_inflight_tasks) + " running";
  return text + ", " + Megabytes(bytes_read) + " read";
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
