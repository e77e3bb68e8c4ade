// How a command that runs on Spark reports besides its files (docs/etl-report.md): phase lines and
// progress on stderr when it is a terminal, -q/-v, a log file with timestamps.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include "common/status.h"

namespace sicoop::cli {

// How a run reports, besides the file (docs/etl-report.md).
struct ReportOptions {
  bool json = false;     // the summary as one JSON object (docs/schemas/etl-summary.schema.json)
  bool quiet = false;    // no phase lines nor progress; errors and the summary only
  bool verbose = false;  // phase lines also off a terminal, and the Spark endpoint
  std::filesystem::path log_file;  // when set, every line appended with its UTC time, errors too
};

// Where a run's lines go: stderr as ReportOptions says, and the log file, if any, every one.
class Reporter {
 public:
  explicit Reporter(const ReportOptions& options);

  // Opens the log file, if any.
  Status Open();
  bool ShowsProgress() const { return on_terminal_ && !options_.quiet; }
  // A phase line.
  void Log(const std::string& line);
  // A line that only --verbose shows.
  void Detail(const std::string& line);
  // A line for the log file only, with its UTC time.
  void ToFile(const std::string& line);

 private:
  const ReportOptions& options_;
  bool on_terminal_;
  std::ofstream file_;
};

}  // namespace sicoop::cli
