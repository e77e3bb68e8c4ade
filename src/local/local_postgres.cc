#include "local/local_postgres.h"

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>

#include "common/process.h"
#include "db/connection.h"

namespace sicoop::local {
namespace {

namespace fs = std::filesystem;

// The bin folder of the newest installed PostgreSQL (Debian layout: /usr/lib/postgresql/N/bin).
Result<std::string> FindPostgresBin() {
  std::vector<std::pair<int, std::string>> found;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", error)) {
    fs::path bin = entry.path() / "bin";
    if (fs::exists(bin / "initdb") && fs::exists(bin / "pg_ctl")) {
      found.emplace_back(std::atoi(entry.path().filename().c_str()), bin.string());
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
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    if (chown(entry.path().c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      return Status::Failure("cannot give " + entry.path().string() + " to user " + user);
    }
  }
  if (chown(folder.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
    return Status::Failure("cannot give " + folder + " to user " + user);
  }
  return Status::Ok();
}

// What the signal handlers need to tear the server down, in fixed storage filled before they are
// installed: the folder and its postmaster.pid. One server per process is guarded at a time.
char g_folder[PATH_MAX];
char g_pid_file[PATH_MAX];
std::atomic<bool> g_guarded{false};
constexpr int kForwardedSignals[] = {SIGINT, SIGTERM, SIGHUP};
struct sigaction g_previous_actions[std::size(kForwardedSignals)];

void SleepTenthOfASecond() {
  timespec tenth{0, 100'000'000};
  nanosleep(&tenth, nullptr);
}

// The postmaster's pid, from the first line of postmaster.pid; 0 when there is none. Async-signal-safe.
pid_t PostmasterPid() {
  int fd = open(g_pid_file, O_RDONLY);
  if (fd < 0) return 0;
  char text[32] = {};
  ssize_t size = read(fd, text, sizeof(text) - 1);
  close(fd);
  pid_t pid = 0;
  for (ssize_t i = 0; i < size && text[i] >= '0' && text[i] <= '9'; ++i) pid = pid * 10 + (text[i] - '0');
  return pid;
}

// Async-signal-safe: a fast shutdown of the server (SIGINT to the postmaster; an immediate one,
// SIGQUIT, after 10 s), then `rm -rf` of the folder.
void TearDownFromSignal() {
  pid_t postmaster = PostmasterPid();
  if (postmaster > 0 && kill(postmaster, SIGINT) == 0) {
    for (int i = 0; i < 150 && kill(postmaster, 0) == 0; ++i) {
      if (i == 100) kill(postmaster, SIGQUIT);
      SleepTenthOfASecond();
    }
  }
  pid_t rm = fork();
  if (rm == 0) {
    char* argv[] = {const_cast<char*>("rm"), const_cast<char*>("-rf"), const_cast<char*>("--"), g_folder, nullptr};
    execv("/bin/rm", argv);
    _exit(127);
  }
  if (rm > 0) waitpid(rm, nullptr, 0);
}

// Tears the server down, then lets the signal do what it would have done (normally: end the process).
void OnTerminatingSignal(int signal_number) {
  if (g_guarded.exchange(false)) TearDownFromSignal();
  for (size_t i = 0; i < std::size(kForwardedSignals); ++i) {
    if (kForwardedSignals[i] == signal_number) sigaction(signal_number, &g_previous_actions[i], nullptr);
  }
  raise(signal_number);
}

// Guards `folder` unless another server already is guarded; returns whether it did.
bool GuardAgainstSignals(const std::string& folder) {
  const std::string pid_file = folder + "/data/postmaster.pid";
  if (pid_file.size() >= sizeof(g_pid_file) || g_guarded.exchange(true)) return false;
  std::snprintf(g_folder, sizeof(g_folder), "%s", folder.c_str());
  std::snprintf(g_pid_file, sizeof(g_pid_file), "%s", pid_file.c_str());
  struct sigaction action {};
  action.sa_handler = OnTerminatingSignal;
  sigemptyset(&action.sa_mask);
  for (size_t i = 0; i < std::size(kForwardedSignals); ++i) {
    sigaction(kForwardedSignals[i], &action, &g_previous_actions[i]);
  }
  return true;
}

void ReleaseSignalGuard() {
  if (!g_guarded.exchange(false)) return;
  for (size_t i = 0; i < std::size(kForwardedSignals); ++i) {
    sigaction(kForwardedSignals[i], &g_previous_actions[i], nullptr);
  }
}

}  // namespace

Result<std::unique_ptr<LocalPostgres>> LocalPostgres::Start() {
  std::unique_ptr<LocalPostgres> server(new LocalPostgres());
  SICOOP_ASSIGN_OR_RETURN(server->bin_dir_, FindPostgresBin());
  std::string pattern = (fs::temp_directory_path() / "sicoop-postgres-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return Status::Failure("cannot create a temporary folder in " + fs::temp_directory_path().string());
  }
  server->folder_ = pattern;
  // From here on an interrupted sicoop (Ctrl-C, SIGTERM, a closed terminal) leaves no server running
  // and no folder behind, whichever step it is at.
  server->guarded_ = GuardAgainstSignals(server->folder_);
  server->password_ = RandomPassword();
  server->run_as_ = geteuid() == 0 ? "postgres" : "";
  SICOOP_ASSIGN_OR_RETURN(server->port_, FindFreePort());

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
  fs::remove(pwfile);
  if (initdb_exit != 0) {
    return Status::Failure("initdb of a throwaway PostgreSQL failed (exit " + std::to_string(initdb_exit) +
                           "); the end of its log:\n" + TailOfFile(initdb_log, 10));
  }

  ProcessSpec start;
  // TCP only (-k ''): sicoop connects over 127.0.0.1, and a Unix socket in the folder would fail the
  // start whenever the temporary directory's path is long (a socket path has at most 107 bytes).
  start.argv = {server->bin_dir_ + "/pg_ctl", "-D", data, "-l", log, "-w", "-t", "60", "-o",
                "-c listen_addresses=127.0.0.1 -p " + std::to_string(server->port_) +
                    " -k '' -c fsync=off -c full_page_writes=off",
                "start"};
  start.working_dir = server->folder_;
  start.run_as_user = server->run_as_;
  SICOOP_ASSIGN_OR_RETURN(int start_exit, RunProcess(start));
  server->running_ = true;  // pg_ctl may have started it even when the wait failed: stop it anyway
  if (start_exit != 0) {
    return Status::Failure("a throwaway PostgreSQL did not start (pg_ctl exit " + std::to_string(start_exit) +
                           "); the end of its log:\n" + TailOfFile(log, 10));
  }

  db::DbUrl admin{db::Dialect::kPostgres, "sicoop", server->password_, "127.0.0.1", server->port_, "postgres"};
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
  if (guarded_) ReleaseSignalGuard();
}

std::string LocalPostgres::url() const {
  // The password is hex, so it needs no percent-encoding.
  return "postgresql://sicoop:" + password_ + "@127.0.0.1:" + std::to_string(port_) + "/sicoop";
}

}  // namespace sicoop::local
