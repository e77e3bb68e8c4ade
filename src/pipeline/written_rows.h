// Rows written so far by a running Spark CSV write, for the progress line. Spark's own progress
// reports tasks and bytes read, not rows; the part files say how far the write is. Only works when
// the Spark server writes to a filesystem this process sees (the embedded server, a cluster on this
// machine or a shared mount); elsewhere it stays at 0.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "pipeline/csv_output.h"

namespace sicoop::pipeline {

class WrittenRowsCounter {
 public:
  explicit WrittenRowsCounter(std::filesystem::path parts_dir) : parts_dir_(std::move(parts_dir)) {}

  // Reads what the part files gained since the last call and returns the records written so far.
  // A part file moves from a task's attempt folder to the final folder on commit: it is followed by
  // its name, so its rows are counted once.
  int64_t Poll();

 private:
  struct Part {
    uintmax_t offset = 0;
    CsvRecordCounter records;
  };
  std::filesystem::path parts_dir_;
  std::map<std::string, Part> parts_;
};

}  // namespace sicoop::pipeline
