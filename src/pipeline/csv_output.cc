#include "pipeline/csv_output.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

namespace sicoop::pipeline {
namespace fs = std::filesystem;
namespace {

std::string ErrnoText() { return std::strerror(errno); }

// Under the folder's lock every staging folder but ours belongs to a run that has ended.
void RemoveAbandonedStagingDirs(const fs::path& output_dir, const fs::path& ours) {
  std::error_code ec;
  for (fs::directory_iterator it(output_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(kStagingPrefix, 0) != 0 || name.rfind(ours.filename().string(), 0) == 0) continue;
    std::error_code not_removed;  // left for the next run
    fs::remove_all(it->path(), not_removed);
  }
}

// Why a folder of the kernel's takes no folders of ours, for a message; empty for other filesystems.
std::string KernelFilesystemNote(const fs::path& path) {
  struct statfs info = {};
  if (statfs(path.c_str(), &info) != 0) return "";
  if (info.f_type == PROC_SUPER_MAGIC) return "; " + path.string() + " is the kernel's proc filesystem";
  if (info.f_type == SYSFS_MAGIC) return "; " + path.string() + " is the kernel's sysfs";
  return "";
}

Status WriteAll(int fd, const char* data, size_t size, const fs::path& path) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::Failure("cannot write " + path.string() + ": " + ErrnoText());
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

// No folder is no parts (Spark writes none for an empty result); a listing that fails otherwise is
// an error: publishing from it would drop rows silently.
Result<std::vector<fs::path>> PartFiles(const fs::path& parts_dir) {
  std::vector<fs::path> parts;
  std::error_code ec;
  for (fs::directory_iterator it(parts_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().rfind("part-", 0) == 0) parts.push_back(it->path());
  }
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return Status::Failure("cannot list Spark's output in " + parts_dir.string() + ": " + ec.message());
  }
  std::sort(parts.begin(), parts.end());
  return parts;
}

// Appends `source` to the open file `fd`, counting its records, each ended by the preset's line end.
Status AppendFile(const fs::path& source, int fd, const fs::path& target, CsvPreset preset,
                  CsvRecordCounter& counter) {
  int in = open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return Status::Failure("cannot read Spark output " + source.string() + ": " + ErrnoText());
  std::vector<char> buffer(1 << 20);
  std::string converted;
  Status status;
  while (status.ok()) {
    ssize_t n = read(in, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) status = Status::Failure("cannot read " + source.string() + ": " + ErrnoText());
    if (n <= 0) break;
    const std::string_view chunk(buffer.data(), static_cast<size_t>(n));
    if (preset == CsvPreset::kExcelBr) {
      converted.clear();
      counter.FeedEndingRecordsWithCrLf(chunk, converted);
      status = WriteAll(fd, converted.data(), converted.size(), target);
    } else {
      counter.Feed(chunk);
      status = WriteAll(fd, chunk.data(), chunk.size(), target);
    }
  }
  close(in);
  return status;
}

}  // namespace

std::map<std::string, std::string> SparkCsvOptions(char delimiter) {
  return {
      {"sep", std::string(1, delimiter)},
      {"header", "false"},
      {"quote", "\""},
      {"escape", "\""},
      {"escapeQuotes", "true"},
      {"quoteAll", "false"},
      {"ignoreLeadingWhiteSpace", "false"},
      {"ignoreTrailingWhiteSpace", "false"},
      {"emptyValue", ""},
      {"nullValue", ""},
      {"lineSep", "\n"},
      {"encoding", "UTF-8"},
  };
}

Status ValidateDelimiter(std::string_view delimiter) {
  if (delimiter.size() != 1 || delimiter == "\"" || delimiter == "\r" || delimiter == "\n") {
    return Status::Usage("--delimiter must be a single character other than '\"', CR or LF, not '" +
                         std::string(delimiter) + "' (for example ',' or ';')");
  }
  return Status::Ok();
}

std::string LineEnd(CsvPreset preset) { return preset == CsvPreset::kExcelBr ? "\r\n" : "\n"; }

char DecimalMark(CsvPreset preset) { return preset == CsvPreset::kExcelBr ? ',' : '.'; }

Result<char> ChooseDelimiter(const std::optional<std::string>& given, CsvPreset preset) {
  if (!given) return preset == CsvPreset::kExcelBr ? ';' : ',';
  SICOOP_RETURN_IF_ERROR(ValidateDelimiter(*given));
  if (preset == CsvPreset::kExcelBr && *given != ";") {
    return Status::Usage("--excel-br writes ';' between fields, not '" + *given +
                         "' (its decimal comma needs it): drop --delimiter");
  }
  return (*given)[0];
}

Status ValidateOutputDir(std::string_view output_dir) {
  if (output_dir.empty()) return Status::Usage("--output must name a folder, not be empty (for example --output out)");
  return Status::Ok();
}

bool CsvRecordCounter::EndsRecord(char c) {
  // A doubled quote inside a quoted field toggles twice, which leaves the state unchanged.
  if (c == '"') in_quotes_ = !in_quotes_;
  if (c != '\n' || in_quotes_) return false;
  ++records_;
  return true;
}

void CsvRecordCounter::Feed(std::string_view chunk) {
  // memchr jumps from quote to quote and from line end to line end: the file is read at memory
  // speed rather than one branch per byte (a 10M-row file is 1.5 GB).
  const char* p = chunk.data();
  const char* const end = p + chunk.size();
  while (p < end) {
    const size_t left = static_cast<size_t>(end - p);
    const auto* quote = static_cast<const char*>(std::memchr(p, '"', left));
    if (in_quotes_) {
      if (quote == nullptr) return;  // the field goes on in the next chunk
      in_quotes_ = false;
      p = quote + 1;
      continue;
    }
    const char* stop = quote == nullptr ? end : quote;
    for (const char* line_end; (line_end = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(stop - p))));
         p = line_end + 1) {
      ++records_;
    }
    if (quote == nullptr) return;
    in_quotes_ = true;
    p = quote + 1;
  }
}

void CsvRecordCounter::FeedEndingRecordsWithCrLf(std::string_view chunk, std::string& out) {
  for (char c : chunk) {
    if (EndsRecord(c)) out += '\r';
    out += c;
  }
}

Status CheckOutputDir(const fs::path& output_dir) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(output_dir, ec);
  fs::path existing = absolute;
  while (!fs::exists(existing, ec) && existing.has_parent_path() && existing != existing.parent_path()) {
    existing = existing.parent_path();
  }
  if (!fs::is_directory(existing, ec)) {
    return Status::Failure("output path " + output_dir.string() + " is not a folder (" +
                           existing.string() + " is a file): give --output a folder path");
  }
  // Permission bits do not tell (root passes access(2) on /proc, a read-only mount, ...): try it.
  std::string probe = (existing / ".sicoop-probe-XXXXXX").string();
  if (mkdtemp(probe.data()) == nullptr) {
    const std::string reason = ErrnoText() + KernelFilesystemNote(existing);
    if (existing == absolute) {
      return Status::Failure("output folder " + output_dir.string() + " is not writable (" + reason +
                             "): choose a writable --output");
    }
    return Status::Failure("cannot create the output folder " + output_dir.string() + ": " + existing.string() +
                           " takes no new folders (" + reason + "): choose a writable --output");
  }
  rmdir(probe.c_str());
  return Status::Ok();
}

Result<FolderLock> LockOutputDir(const fs::path& output_dir) {
  std::error_code ec;
  if (fs::exists(output_dir, ec) && !fs::is_directory(output_dir, ec)) {
    return Status::Failure("output path " + output_dir.string() +
                           " is a file, not a folder: give --output a folder path");
  }
  fs::create_directories(output_dir, ec);
  if (ec) {
    return Status::Failure("cannot create the output folder " + output_dir.string() + ": " + ec.message() +
                           " (choose a writable --output)");
  }
  return FolderLock::Acquire(output_dir, kFlatLockName);
}

fs::path RunFolder(const FolderLock& lock, const std::string& purpose) {
  return lock.dir() / (kStagingPrefix + lock.run_id() + "." + purpose);
}

Result<StagingDir> StagingDir::Create(const FolderLock& lock) {
  const fs::path path = lock.dir() / (kStagingPrefix + lock.run_id());
  RemoveAbandonedStagingDirs(lock.dir(), path);
  std::error_code ec;
  if (!fs::create_directory(path, ec) || ec) {
    return Status::Failure("cannot create the staging folder " + path.string() + ": " +
                           (ec ? ec.message() : std::string("it exists already")) + " (choose a writable --output)");
  }
  // Spark executors may run as another user on a shared filesystem; the folder is ours to clean.
  fs::permissions(path, fs::perms::owner_all | fs::perms::group_all, ec);
  return StagingDir(path);
}

StagingDir::StagingDir(StagingDir&& other) noexcept
    : path_(std::move(other.path_)), on_signal_(std::move(other.on_signal_)) {
  other.path_.clear();
}

StagingDir::~StagingDir() {
  if (path_.empty()) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

Result<int64_t> PublishCsv(const StagingDir& staging, const std::string& header, CsvPreset preset,
                           const fs::path& target, int64_t expected_records) {
  SICOOP_ASSIGN_OR_RETURN(const std::vector<fs::path> parts, PartFiles(staging.parts()));
  fs::path temporary = staging.path() / target.filename();
  int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Failure("cannot create " + temporary.string() + ": " + ErrnoText());
  // Excel reads a CSV as UTF-8 only after a byte-order mark (else in the system's ANSI code page,
  // which garbles accents). Spark writes no header, so the mark goes here, once.
  const std::string first_line = (preset == CsvPreset::kExcelBr ? "\xEF\xBB\xBF" : "") + header + LineEnd(preset);
  CsvRecordCounter counter;
  Status status = WriteAll(fd, first_line.data(), first_line.size(), temporary);
  for (const auto& part : parts) {
    if (!status.ok()) break;
    status = AppendFile(part, fd, temporary, preset, counter);
  }
  if (status.ok() && fsync(fd) != 0) {
    status = Status::Failure("cannot flush " + temporary.string() + " to disk: " + ErrnoText());
  }
  close(fd);
  if (status.ok() && counter.records() != expected_records) {
    status = Status::Failure(
        "the part files in " + staging.parts().string() + " hold " + std::to_string(counter.records()) +
        " rows, but Spark counted " + std::to_string(expected_records) +
        " rows as it wrote them: something changed the staging folder while Spark wrote it (another "
        "program, or a run on a host whose file locks do not reach this filesystem); " + target.string() +
        " was not replaced: run again");
  }
  if (status.ok() && rename(temporary.c_str(), target.c_str()) != 0) {
    status = Status::Failure("cannot move " + temporary.string() + " to " + target.string() + ": " +
                             ErrnoText());
  }
  if (!status.ok()) {
    unlink(temporary.c_str());
    return status;
  }
  // Make the rename itself durable.
  fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    fsync(dir_fd);
    close(dir_fd);
  }
  return counter.records();
}

}  // namespace sicoop::pipeline
