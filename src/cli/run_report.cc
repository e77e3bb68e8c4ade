#include "cli/run_report.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <iostream>

namespace sicoop::cli {

Reporter::Reporter(const ReportOptions& options) : options_(options), on_terminal_(isatty(STDERR_FILENO) == 1) {}

Status Reporter::Open() {
  if (options_.log_file.empty()) return Status::Ok();
  file_.open(options_.log_file, std::ios::app);
  if (!file_) {
    return Status::Failure("cannot open the log file " + options_.log_file.string() + " for appending: " +
                           std::strerror(errno) + ": check --log-file");
  }
  return Status::Ok();
}

void Reporter::Log(const std::string& line) {
  if (!options_.quiet && (on_terminal_ || options_.verbose)) std::cerr << "sicoop: " << line << "\n";
  ToFile(line);
}

void Reporter::Detail(const std::string& line) {
  if (options_.verbose && !options_.quiet) std::cerr << "sicoop: " << line << "\n";
  ToFile(line);
}

void Reporter::ToFile(const std::string& line) {
  if (!file_.is_open()) return;
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[40];
  std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &utc);
  char with_millis[48];
  std::snprintf(with_millis, sizeof(with_millis), "%s.%03dZ", stamp, static_cast<int>(millis));
  file_ << with_millis << " " << line << "\n" << std::flush;
}

}  // namespace sicoop::cli
