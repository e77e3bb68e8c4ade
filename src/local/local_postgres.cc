#include "local/local_postgres.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>

#include "common/numbers.h"
#include "common/process.h"
#include "db/connection.h"

namespace sicoop::local {
namespace {

namespace fs = std::filesystem;

// Starts tried, each on a newly chosen port, when another process took the port first.
constexpr int kPortAttempts = 3;

// The bin folder of the newest installed PostgreSQL (Debian layout: /usr/lib/postgresql/N/bin).
Result<std::string> FindPostgresBin() {
  std::vector<std::pair<int64_t, std::string>> found;
  std::error_code error;
  for (fs::directory_iterator it("/usr/lib/postgresql", error), end; !error && it != end; it.increment(error)) {
    fs::path bin = it->path() / "bin";
    std::optional<int64_t> version = ParseInteger(it->path().filename().string());
    std::error_code missing;
    if (version && fs::exists(bin / "initdb", missing) && fs::exists(bin / "pg_ctl", missing)) {
      found.emplace_back(*version, bin.string());
    }
  }
  if (found.empty()) {
    return Status::Failure("no PostgreSQL server found in /usr/lib/postgresql/*/bin: install postgresql-15 "
                           "(scripts/setup.sh does)");
  }
  return std::max_element(found.begin(), found.end())->second;
}

std::string RandomPassword() {
  std::random_device device;
  std::string password;
  const char* digits = "0123456789abcdef";
  for (int i = 0; i < 24; ++i) password += digits[device() % 16];
  return password;
}

// Gives the folder to the server's user, who must own its data directory.
Status HandOver(const std::string& folder, const std::string& user) {
  if (user.empty()) return Status::Ok();
  passwd* pw = getpwnam(user.c_str());
  if (pw == nullptr) return Status::Failure("no '" + user + "' user to run PostgreSQL as (install postgresql-15)");
  std::error_code error;
  for (fs::recursive_directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    if (chown(it->path().c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      return Status::Failure("cannot give " + it->path().string() + " to user " + user + ": " +
                             std::strerror(errno));
    }
  }
  if (error) return Status::Failure("cannot list " + folder + " to give it to user " + user + ": " + error.message());
  if (chown(folder.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
    return Status::Failure("cannot give " + folder + " to user " + user + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<LocalPostgres>> LocalPostgres::Start() {
  std::unique_ptr<LocalPostgres> server(new LocalPostgres());
  SICOOP_ASSIGN_OR_RETURN(server->bin_dir_, FindPostgresBin());
  std::error_code error;
  const fs::path temporary = fs::temp_directory_path(error);
  if (error) return Status::Failure("no temporary folder for a throwaway PostgreSQL: " + error.message() + " (set TMPDIR)");
  std::string pattern = (temporary / "sicoop-postgres-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return Status::Failure("cannot create a temporary folder in " + temporary.string() + ": " + std::strerror(errno));
  }
  server->folder_ = pattern;
  // From here on an interrupted sicoop (Ctrl-C, SIGTERM, a closed terminal) leaves no server running
  // and no folder behind, whichever step it is at.
  server->cleanup_on_signal_ =
      CleanupRegistration::StopPostgresAndRemove(server->folder_ + "/data/postmaster.pid", server->folder_);
  server->password_ = RandomPassword();
  server->run_as_ = geteuid() == 0 ? "postgres" : "";

  const std::string data = server->folder_ + "/data";
  // Separate logs: sicoop opens initdb's (as root, when root), the server opens its own as its user.
  const std::string initdb_log = server->folder_ + "/initdb.log";
  const std::string log = server->folder_ + "/postgres.log";
  const std::string pwfile = server->folder_ + "/pwfile";
  std::ofstream(pwfile) << server->password_ << "\n";
  SICOOP_RETURN_IF_ERROR(HandOver(server->folder_, server->run_as_));

  ProcessSpec initdb;
  initdb.argv = {server->bin_dir_ + "/initdb", "-D", data, "-U", "sicoop", "--pwfile=" + pwfile,
                 "-A", "scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"};
  initdb.log_file = initdb_log;
  initdb.working_dir = server->folder_;
  initdb.run_as_user = server->run_as_;
  SICOOP_ASSIGN_OR_RETURN(int initdb_exit, RunProcess(initdb));
  fs::remove(pwfile, error);  // a leftover goes with the folder
  if (initdb_exit != 0) {
    return Status::Failure("initdb of a throwaway PostgreSQL failed (exit " + std::to_string(initdb_exit) +
                           "); the end of its log:\n" + TailOfFile(initdb_log, 10));
  }

  // PostgreSQL cannot pick its own port, so a free one is chosen just before the start; another
  // process may still take it first, and then the start is tried again on another.
  int start_exit = 0;
  for (int attempt = 1; attempt <= kPortAttempts; ++attempt) {
    SICOOP_ASSIGN_OR_RETURN(server->port_, FindFreePort());
    ProcessSpec start;
    // TCP only (-k ''): sicoop connects over 127.0.0.1, and a Unix socket in the folder would fail the
    // start whenever the temporary directory's path is long (a socket path has at most 107 bytes).
    start.argv = {server->bin_dir_ + "/pg_ctl", "-D", data, "-l", log, "-w", "-t", "60", "-o",
                  "-c listen_addresses=127.0.0.1 -p " + std::to_string(server->port_) +
                      " -k '' -c fsync=off -c full_page_writes=off",
                  "start"};
    start.working_dir = server->folder_;
    start.run_as_user = server->run_as_;
    SICOOP_ASSIGN_OR_RETURN(start_exit, RunProcess(start));
    server->running_ = true;  // pg_ctl may have started it even when the wait failed: stop it anyway
    if (start_exit == 0 || TailOfFile(log, 10).find("could not bind") == std::string::npos) break;
  }
  if (start_exit != 0) {
    return Status::Failure("a throwaway PostgreSQL did not start (pg_ctl exit " + std::to_string(start_exit) +
                           "); the end of its log:\n" + TailOfFile(log, 10));
  }

  db::DbUrl admin;
  admin.user = "sicoop";
  admin.password = server->password_;
  admin.host = "127.0.0.1";
  admin.port = server->port_;
  admin.database = "postgres";
  SICOOP_ASSIGN_OR_RETURN(auto connection, db::Connect(admin));
  SICOOP_RETURN_IF_ERROR(connection->Execute("CREATE DATABASE sicoop"));
  return server;
}

LocalPostgres::~LocalPostgres() {
  if (running_) {
    ProcessSpec stop;
    stop.argv = {bin_dir_ + "/pg_ctl", "-D", folder_ + "/data", "-m", "fast", "-w", "-t", "30", "stop"};
    stop.working_dir = folder_;
    stop.run_as_user = run_as_;
    (void)RunProcess(stop);
  }
  std::error_code ignored;
  if (!folder_.empty()) fs::remove_all(folder_, ignored);
}

std::string LocalPostgres::url() const {
  // The password is hex, so it needs no percent-encoding.
  return "postgresql://sicoop:" + password_ + "@127.0.0.1:" + std::to_string(port_) + "/sicoop";
}

}  // namespace sicoop::local
