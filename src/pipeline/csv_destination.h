// Where movimento_flat.csv is published, locked for one run: a local folder (csv_output.h: part
// files joined into a temporary file renamed over the target) or an S3 prefix (object_csv.h: part
// objects joined on the server by one multipart upload). WriteFlatCsv runs the same steps on
// either: stage, let Spark write the parts there, publish them as the one file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "pipeline/csv_output.h"
#include "pipeline/folder_lock.h"

namespace sicoop::pipeline {

// One run's staging place for Spark's part files; removed with what it holds when destroyed.
class CsvStaging {
 public:
  virtual ~CsvStaging() = default;
  // Where Spark writes the part files: an absolute local path or an s3a:// URI.
  virtual std::string PartsUri() const = 0;
  // The parts' local folder, for counting rows while Spark writes them; none on object storage.
  virtual std::optional<std::filesystem::path> LocalParts() const = 0;
  // Publishes the preset's first line (byte-order mark, `header`, line end) and the parts, in
  // order, as the destination's movimento_flat.csv, whole or not at all, when the data records
  // number `expected_records` (Spark's count as it wrote them). Returns the data records.
  virtual Result<int64_t> Publish(const std::string& header, CsvPreset preset, int64_t expected_records) = 0;
};

class CsvDestination {
 public:
  virtual ~CsvDestination() = default;
  // 32 hex digits naming this run (its lock, staging place and run folders).
  virtual const std::string& run_id() const = 0;
  // The published file, as people read it: a path or an s3a:// URI.
  virtual std::string FileName() const = 0;
  // Prepares this run's staging place, first removing what runs that died left.
  virtual Result<std::unique_ptr<CsvStaging>> Stage() = 0;
  // A local folder path for this run's files that the Spark server reads (the JDBC trust store);
  // the caller creates and removes it.
  virtual std::filesystem::path RunFolder(const std::string& purpose) const = 0;
};

// The destination of a local folder: its lock (LockOutputDir) is taken already.
std::unique_ptr<CsvDestination> LocalCsvDestination(FolderLock lock);

}  // namespace sicoop::pipeline
