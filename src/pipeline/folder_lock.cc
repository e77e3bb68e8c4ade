#include "pipeline/folder_lock.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>

#include "common/run_id.h"

namespace sicoop::pipeline {
namespace fs = std::filesystem;
namespace {

// Each attempt that finds the lock file replaced between two of its steps (released, or taken over
// by a third run) starts again; that cannot go on for long unless runs start in a tight loop.
constexpr int kAttempts = 20;

std::string ErrnoText(int error) { return std::strerror(error); }

enum class LockState { kTaken, kHeld, kUnsupported };

// Tries to take the OFD write lock on the whole file, without waiting. `error` receives the errno
// of a filesystem whose locks do not work.
LockState TryLock(int fd, int& error) {
  struct flock lock = {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  while (fcntl(fd, F_OFD_SETLK, &lock) != 0) {
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EACCES) return LockState::kHeld;
    error = errno;  // ENOLCK, EOPNOTSUPP, EINVAL (a kernel or filesystem without OFD locks)
    return LockState::kUnsupported;
  }
  return LockState::kTaken;
}

// Whether `fd` is still the file that `path` names: a lock file is replaced by a takeover and
// removed by a release, so a lock taken on an open file only counts while its path still names it.
bool NamesFile(const fs::path& path, int fd) {
  struct stat by_fd = {}, by_path = {};
  return fstat(fd, &by_fd) == 0 && stat(path.c_str(), &by_path) == 0 && by_fd.st_dev == by_path.st_dev &&
         by_fd.st_ino == by_path.st_ino;
}

// "run R on host H, pid P, since S", from the record of the lock file at `path`.
std::string HolderOf(const fs::path& path) {
  std::ifstream in(path);
  std::map<std::string, std::string> record;
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq != std::string::npos) record[line.substr(0, eq)] = line.substr(eq + 1);
  }
  if (record.empty()) return "holder unknown: its lock file is empty or unreadable";
  auto field = [&record](const std::string& key) {
    auto it = record.find(key);
    return it == record.end() ? std::string("?") : it->second;
  };
  return "run " + field("run_id") + " on host " + field("host") + ", pid " + field("pid") + ", since " +
         field("since");
}

Status WriteRecord(int fd, const fs::path& path, const std::string& record) {
  size_t written = 0;
  while (written < record.size()) {
    ssize_t n = write(fd, record.data() + written, record.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::Failure("cannot write the lock file " + path.string() + ": " + ErrnoText(errno));
    written += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) return Status::Failure("cannot flush the lock file " + path.string() + ": " + ErrnoText(errno));
  return Status::Ok();
}

// Removes the temporary lock files (`prefix` + run id) of runs that died between creating theirs
// and linking it into place: those whose OFD lock is free. Called by the holder only.
void RemoveAbandonedTemporaries(const fs::path& dir, const std::string& prefix) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().rfind(prefix, 0) != 0) continue;
    int fd = open(it->path().c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) continue;
    int error = 0;
    if (TryLock(fd, error) == LockState::kTaken && NamesFile(it->path(), fd)) unlink(it->path().c_str());
    close(fd);
  }
}

}  // namespace

Result<FolderLock> FolderLock::Acquire(const fs::path& dir, const std::string& name) {
  SICOOP_ASSIGN_OR_RETURN(std::string run_id, NewRunId());
  const fs::path path = dir / ("." + name + ".lock");
  const std::string temporary_prefix = "." + name + ".lock.";
  const fs::path temporary = dir / (temporary_prefix + run_id);

  // The record is written whole, and locked, before anyone can see it under the lock's name.
  int fd = open(temporary.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::Failure("cannot create a lock file in " + dir.string() + ": " + ErrnoText(errno) +
                           " (the folder must be writable)");
  }
  int lock_error = 0;
  const bool locks_work = TryLock(fd, lock_error) == LockState::kTaken;
  auto fail = [&](Status status) {
    close(fd);
    unlink(temporary.c_str());
    return status;
  };
  Status written = WriteRecord(fd, temporary,
                               "run_id=" + run_id + "\nhost=" + HostName() + "\npid=" + std::to_string(getpid()) +
                                   "\nsince=" + UtcNow() + "\n");
  if (!written.ok()) return fail(written);

  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    if (link(temporary.c_str(), path.c_str()) == 0) {
      unlink(temporary.c_str());
      if (locks_work) RemoveAbandonedTemporaries(dir, temporary_prefix);
      return FolderLock(dir, path, run_id, fd);
    }
    if (errno != EEXIST) {
      return fail(Status::Failure("cannot create the lock file " + path.string() + ": " + ErrnoText(errno)));
    }
    int existing = open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (existing < 0 && errno == ENOENT) continue;  // released meanwhile: try again
    if (existing < 0) {
      return fail(Status::Failure("cannot open the lock file " + path.string() + ": " + ErrnoText(errno)));
    }
    LockState state = locks_work ? TryLock(existing, lock_error) : LockState::kUnsupported;
    if (state == LockState::kTaken && !NamesFile(path, existing)) {
      close(existing);  // released or taken over between our open and our lock: try again
      continue;
    }
    if (state == LockState::kTaken) {
      // Its holder died: our record replaces it in one step, while we hold the dead one's lock so
      // that no third run can take it over at the same time.
      const int renamed = rename(temporary.c_str(), path.c_str());
      const int rename_error = errno;
      close(existing);
      if (renamed != 0) {
        return fail(Status::Failure("cannot take over the stale lock file " + path.string() + ": " +
                                    ErrnoText(rename_error)));
      }
      if (locks_work) RemoveAbandonedTemporaries(dir, temporary_prefix);
      return FolderLock(dir, path, run_id, fd);
    }
    const std::string holder = HolderOf(path);
    close(existing);
    if (state == LockState::kHeld) {
      return fail(Status::Failure(
          dir.string() + " is in use by another sicoop run (" + holder +
          "): wait for it to end or stop it, then run again (its lock " + path.string() +
          " is released when that run ends, however it ends)"));
    }
    return fail(Status::Failure(
        dir.string() + " is locked by another sicoop run (" + holder +
        ") and file locks do not work on this filesystem (" + ErrnoText(lock_error) +
        "), so sicoop cannot tell whether that run is still alive: once it has ended, remove " + path.string() +
        " and run again"));
  }
  return fail(Status::Failure("could not take the lock " + path.string() + " in " + std::to_string(kAttempts) +
                              " attempts: other runs kept taking and releasing it; run again"));
}

FolderLock::FolderLock(FolderLock&& other) noexcept
    : dir_(std::move(other.dir_)), path_(std::move(other.path_)), run_id_(std::move(other.run_id_)), fd_(other.fd_) {
  other.fd_ = -1;
}

FolderLock::~FolderLock() {
  if (fd_ < 0) return;
  // The file goes first, the OFD lock with the close: a run that opened the file meanwhile finds
  // its lock free but its path gone, and starts again.
  if (NamesFile(path_, fd_)) unlink(path_.c_str());
  close(fd_);
}

}  // namespace sicoop::pipeline
