// Spark progress on a terminal: one line on stderr, rewritten in place as reports arrive
// ("Spark: 120/204 tasks done, 8 running, 12.5 MB read"), and erased by Finish(). When stderr is not a
// terminal it prints nothing, so logs and pipes stay clean.
#pragma once

#include <string>

#include "spark/execution_progress.h"

namespace sicoop::spark {

// The text of the progress line: the tasks done out of those of every stage so far, the tasks
// running, and the input read so far when there is any.
std::string FormatProgress(const ExecutionProgress& progress);

class TerminalProgress {
 public:
  TerminalProgress();  // decides once whether stderr is a terminal
  ~TerminalProgress() { Finish(); }
  TerminalProgress(const TerminalProgress&) = delete;
  TerminalProgress& operator=(const TerminalProgress&) = delete;

  void Update(const ExecutionProgress& progress) { Show(FormatProgress(progress)); }
  // Shows `line` in place of the previous one.
  void Show(const std::string& line);
  // Erases the line, if one is shown.
  void Finish();

 private:
  bool enabled_;
  bool shown_ = false;
};

}  // namespace sicoop::spark
