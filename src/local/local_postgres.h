// A throwaway PostgreSQL for `sicoop demo`: a new cluster in a temporary folder, listening on a free
// port of 127.0.0.1 with password authentication, removed with everything in it when the object is
// destroyed. When sicoop runs as root the server runs as the `postgres` user, which PostgreSQL
// requires. It never outlives sicoop: until the object is destroyed, SIGINT, SIGTERM, SIGHUP and
// SIGABRT stop the server and remove the folder before the process dies of the signal as usual
// (common/cleanup.h).
#pragma once

#include <memory>
#include <string>

#include "common/cleanup.h"
#include "common/status.h"

namespace sicoop::local {

class LocalPostgres {
 public:
  // Creates the cluster (initdb of the newest /usr/lib/postgresql/*/bin), starts it (bounded waits)
  // and creates the database "sicoop". A failure names the step and quotes the end of its log
  // (the folder, log included, is removed).
  static Result<std::unique_ptr<LocalPostgres>> Start();

  // Stops the server (fast shutdown) and removes the folder.
  ~LocalPostgres();
  LocalPostgres(const LocalPostgres&) = delete;
  LocalPostgres& operator=(const LocalPostgres&) = delete;

  // postgresql://sicoop:PASSWORD@127.0.0.1:PORT/sicoop, percent-encoded; the password is random.
  std::string url() const;
  const std::string& folder() const { return folder_; }

 private:
  LocalPostgres() = default;

  std::string bin_dir_, folder_, password_, run_as_;
  int port_ = 0;
  bool running_ = false;
  // Released after the destructor's own stop and removal, so a signal meanwhile is still covered.
  CleanupRegistration cleanup_on_signal_;
};

}  // namespace sicoop::local
