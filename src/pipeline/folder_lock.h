// One run at a time in a folder: the lock that keeps two sicoop runs (on one host or on several
// hosts sharing the folder, in any PID namespaces) from writing into the same output folder or lake.
//
// The lock is the file DIR/.NAME.lock, created exclusively (written whole under a temporary name,
// then hard-linked into place, which fails when the file exists; link is atomic on NFS too). It
// records the run id, host, pid and start time of its holder, for people. Whether the holder is
// alive is never judged from its pid (a pid means nothing in another PID namespace or on another
// host): the holder keeps an open-file-description lock (fcntl F_OFD_SETLK) on the file for the
// life of the run, which the kernel (or the NFSv4 server, when its lease ends) drops when the
// process dies, however it dies. So a lock file whose OFD lock is free was left by a dead run and
// is taken over; one whose OFD lock is held belongs to a live run, and Acquire fails at once.
//
// Filesystems whose locks do not work (fcntl says ENOLCK or not supported) cannot tell a dead
// holder from a live one: there the file alone is the lock and a stale one is broken by hand,
// removing DIR/.NAME.lock after checking that the run it names has ended (the message says so).
// Locks that work only inside one host (an NFS mount with `nolock` or `local_lock=all`) would
// let another host take a live run's lock over: the shared folder must be on a filesystem with
// shared locks (NFSv4, CephFS, Amazon EFS, ...).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "common/status.h"

namespace sicoop::pipeline {

class FolderLock {
 public:
  // Takes the lock `name` ("movimento_flat") on the existing folder `dir`. Fails naming the holder
  // (run id, host, pid, since) and what to do when another run holds it; fails naming the path and
  // the reason when the folder does not take files.
  static Result<FolderLock> Acquire(const std::filesystem::path& dir, const std::string& name);

  FolderLock(FolderLock&& other) noexcept;
  FolderLock& operator=(FolderLock&&) = delete;
  ~FolderLock();  // releases: removes the file, then drops the OFD lock

  const std::filesystem::path& dir() const { return dir_; }
  const std::filesystem::path& path() const { return path_; }
  // 32 hex digits (128 random bits): names this run's files in the folder.
  const std::string& run_id() const { return run_id_; }

 private:
  FolderLock(std::filesystem::path dir, std::filesystem::path path, std::string run_id, int fd)
      : dir_(std::move(dir)), path_(std::move(path)), run_id_(std::move(run_id)), fd_(fd) {}

  std::filesystem::path dir_;
  std::filesystem::path path_;
  std::string run_id_;
  int fd_ = -1;  // open on path_, holding the OFD lock where the filesystem has working locks
};

}  // namespace sicoop::pipeline
