// Publishing the single movimento_flat.csv (docs/output-contract.md). Spark writes the sorted rows as part files in
// parallel into a staging folder inside the output folder; sicoop then joins the parts, in order,
// behind one header line into a temporary file and renames it over the target. The rename is atomic
// on one filesystem, so readers see the previous file or the new one, never a partial one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/cleanup.h"
#include "common/status.h"
#include "pipeline/folder_lock.h"

namespace sicoop::pipeline {

inline constexpr const char* kFlatFileName = "movimento_flat.csv";
// The name of the output's lock (`.movimento_flat.lock`, a file or an object) and the start of its
// runs' staging folders or prefixes (`.movimento_flat.staging-RUNID`), on a folder and on S3 alike.
inline constexpr const char* kFlatLockName = "movimento_flat";
inline constexpr const char* kStagingPrefix = ".movimento_flat.staging-";

// The file's byte conventions: the default contract, or the opt-in preset for Excel with Brazilian
// settings (docs/output-contract.md, "Excel preset"): ';' between fields, a decimal comma in the
// amount, a UTF-8 byte-order mark before the header and CRLF line ends.
enum class CsvPreset { kDefault, kExcelBr };

// The Spark CSV writer options that give RFC 4180 output: fields quoted only when they hold the
// delimiter, a double quote, CR or LF; quotes doubled; backslash ordinary; surrounding spaces kept;
// empty strings unquoted; UTF-8; '\n' line ends; no header (sicoop writes it once). Also for the
// Excel preset: with lineSep "\r\n" Spark's writer would turn every '\n' inside a quoted field into
// "\r\n" too, changing the text; PublishCsv ends the records with CRLF instead.
std::map<std::string, std::string> SparkCsvOptions(char delimiter);

// What ends a record: '\n', or "\r\n" in the Excel preset.
std::string LineEnd(CsvPreset preset);

// The character between the amount's units and cents: '.', or ',' in the Excel preset.
char DecimalMark(CsvPreset preset);

// A delimiter the CSV can carry unambiguously: one byte, not '"', CR or LF. Usage error otherwise.
Status ValidateDelimiter(std::string_view delimiter);

// The field delimiter of a run: `given` (--delimiter, checked by ValidateDelimiter) or else ','
// or, in the Excel preset, ';'. The preset takes no other delimiter than ';' (its decimal comma
// would need quotes under ',', and Excel splits only on its list separator): usage error.
Result<char> ChooseDelimiter(const std::optional<std::string>& given, CsvPreset preset);

// An --output that names a folder: not empty. Usage error otherwise.
Status ValidateOutputDir(std::string_view output_dir);

// Checks, leaving nothing behind, that `output_dir` is a writable folder or can be created as
// one. Lets a run fail on a bad --output before it connects to anything. A failure names the path
// as given and the reason of the step that failed.
Status CheckOutputDir(const std::filesystem::path& output_dir);

// Creates `output_dir` when missing and takes its lock (folder_lock.h): one run at a time writes
// movimento_flat.csv in a folder. Fails naming the run that holds it.
Result<FolderLock> LockOutputDir(const std::filesystem::path& output_dir);

// Counts CSV records in a stream fed in arbitrary chunks: line ends inside quoted fields do not end
// a record.
class CsvRecordCounter {
 public:
  void Feed(std::string_view chunk);
  // Feeds `chunk` and appends it to `out` with a '\r' before each '\n' that ends a record.
  void FeedEndingRecordsWithCrLf(std::string_view chunk, std::string& out);
  int64_t records() const { return records_; }

 private:
  // Takes the next character; true when it is the '\n' that ends a record.
  bool EndsRecord(char c);

  bool in_quotes_ = false;
  int64_t records_ = 0;
};

// The path of a folder of `lock`'s run beside its staging folder (DIR/.movimento_flat.staging-RUNID.PURPOSE),
// for files Spark must read at a path it reaches (the JDBC trust store). The caller creates and
// removes it; when the run dies, the next holder of the lock removes it with the staging folders.
std::filesystem::path RunFolder(const FolderLock& lock, const std::string& purpose);

// A hidden folder inside the output folder for one run's intermediate files, named by the run's
// id; removed with all its content when destroyed, and by a terminating signal (Ctrl-C) once the
// Spark operation writing into it has been stopped (common/cleanup.h). Only the holder of the folder's lock makes one,
// so every other staging folder there belongs to a run that has ended (killed, or on a host that
// died): Create removes them.
class StagingDir {
 public:
  // Creates the staging folder of `lock`'s run in the locked folder. Fails naming the path when it
  // cannot be created.
  static Result<StagingDir> Create(const FolderLock& lock);
  StagingDir(StagingDir&& other) noexcept;
  StagingDir& operator=(StagingDir&&) = delete;
  ~StagingDir();

  const std::filesystem::path& path() const { return path_; }
  // Where Spark writes its part files.
  std::filesystem::path parts() const { return path_ / "parts"; }

 private:
  explicit StagingDir(std::filesystem::path path)
      : path_(std::move(path)), on_signal_(CleanupRegistration::RemoveFolder(path_.string())) {}
  std::filesystem::path path_;
  CleanupRegistration on_signal_;
};

// Writes the preset's first line (a byte-order mark in the Excel preset, `header`, the line end)
// and then the part files of `staging.parts()` (part-*, in name order, which is Spark's partition
// order; their records ending with CRLF in the Excel preset) into a temporary file in the staging
// folder, flushes it to disk, and renames it to `target` (which must be on the same filesystem).
// The data records must number `expected_records` (what Spark counted as it wrote them): a file
// with any other count is not published, and the failure gives both numbers. Returns the number of
// data records. On failure `target` is left as it was.
Result<int64_t> PublishCsv(const StagingDir& staging, const std::string& header, CsvPreset preset,
                           const std::filesystem::path& target, int64_t expected_records);

}  // namespace sicoop::pipeline
