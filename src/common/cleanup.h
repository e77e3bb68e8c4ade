// Cleanup on terminating signals: the local servers sicoop starts (a Spark Connect server, a
// throwaway PostgreSQL), and the Spark jobs it runs, must not outlive it when it is interrupted
// (SIGINT, SIGTERM, SIGHUP) or aborts (SIGABRT: std::terminate, a failed assert). A registered
// action runs from the signal
// handler, then the signal does what it would have done without sicoop's handler (normally: end the
// process). The actions are a closed set so that the handler runs only async-signal-safe code on
// data stored when the action was registered.
#pragma once

#include <sys/types.h>

#include <string>

namespace sicoop {

// One registered action; unregistered when destroyed (or moved from and then destroyed). Move-only.
// The registry holds at most a handful of actions at once; past that a registration is inactive
// (the RAII stop of the server still runs, only the signal path is lost).
class CleanupRegistration {
 public:
  // SIGTERM to the process group led by `group_leader` (a server started in its own session).
  static CleanupRegistration TerminateProcessGroup(pid_t group_leader);

  // A fast shutdown of the PostgreSQL postmaster whose pid heads `pid_file` (SIGINT, SIGQUIT after
  // 10 s), then `rm -rf folder`. An action whose paths do not fit the registry is inactive.
  static CleanupRegistration StopPostgresAndRemove(const std::string& pid_file, const std::string& folder);

  // `rm -rf folder` (a run's staging folder), after every other action has run: those stop the
  // work that writes into such folders (a Spark operation, a server). Inactive when the path does
  // not fit the registry.
  static CleanupRegistration RemoveFolder(const std::string& folder);

  // Hands work that is not async-signal-safe (an RPC) to a thread that blocks the terminating
  // signals: writes one byte to `request_fd`, then waits up to `timeout_ms` for a byte on `done_fd`.
  static CleanupRegistration AskAndWait(int request_fd, int done_fd, int timeout_ms);

  // The same, but after every other action: for the release of a lock on an object store
  // (storage/object_lock.h), which must outlast the work it guards (Spark's operations, interrupted
  // by AskAndWait, and the servers), as a folder's lock lasts until the process ends.
  static CleanupRegistration AskAndWaitLast(int request_fd, int done_fd, int timeout_ms);

  CleanupRegistration() = default;
  CleanupRegistration(CleanupRegistration&& other) noexcept;
  CleanupRegistration& operator=(CleanupRegistration&& other) noexcept;
  CleanupRegistration(const CleanupRegistration&) = delete;
  CleanupRegistration& operator=(const CleanupRegistration&) = delete;
  ~CleanupRegistration();

  // True while the action is registered.
  bool active() const { return slot_ >= 0; }
  // Unregisters the action now. Idempotent.
  void Release();

 private:
  explicit CleanupRegistration(int slot) : slot_(slot) {}
  int slot_ = -1;
};

}  // namespace sicoop
