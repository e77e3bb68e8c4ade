#include "common/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <thread>

extern char** environ;

namespace sicoop {
namespace {

std::string ErrnoText() { return std::strerror(errno); }

std::vector<std::string> MergedEnvironment(const ProcessSpec& spec) {
  std::vector<std::string> merged;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    if (IsSecretVariable(std::string_view(entry).substr(0, entry.find('=')))) continue;
    bool overridden = false;
    for (const auto& [key, value] : spec.env) {
      if (entry.rfind(key + "=", 0) == 0) overridden = true;
    }
    if (!overridden) merged.push_back(entry);
  }
  for (const auto& [key, value] : spec.env) merged.push_back(key + "=" + value);
  return merged;
}

// Runs in the forked child: only async-signal-safe calls until exec, and it never returns.
[[noreturn]] void ExecChild(const ProcessSpec& spec, char* const* argv, char* const* envp,
                            uid_t uid, gid_t gid, bool drop_privileges, pid_t parent) {
  if (spec.new_session) setsid();
  int out = spec.log_file.empty() ? open("/dev/null", O_WRONLY)
                                  : open(spec.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  int in = open("/dev/null", O_RDONLY);
  if (out >= 0) {
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
  }
  if (in >= 0) dup2(in, STDIN_FILENO);
  if (!spec.working_dir.empty() && chdir(spec.working_dir.c_str()) != 0) _exit(126);
  if (drop_privileges) {
    if (setgroups(0, nullptr) != 0 || setgid(gid) != 0 || setuid(uid) != 0) _exit(126);
  }
  // After the change of user, which clears the setting; exec keeps it. A parent that died before
  // the call would never send the signal: then the child is already orphaned and gives up.
  if (spec.dies_with_parent && (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)) _exit(126);
  execvpe(argv[0], argv, envp);
  _exit(127);
}

}  // namespace

bool IsSecretVariable(std::string_view name) {
  std::string upper(name);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  constexpr std::array<std::string_view, 6> kSecretWords = {"PASSWORD", "PASSWD", "PASSPHRASE",
                                                            "SECRET", "TOKEN", "CREDENTIAL"};
  for (std::string_view word : kSecretWords) {
    if (upper.find(word) != std::string::npos) return true;
  }
  return upper.ends_with("_PWD") || upper.ends_with("_KEY");
}

Result<pid_t> StartProcess(const ProcessSpec& spec) {
  if (spec.argv.empty()) return Status::Failure("internal error: empty command line");
  uid_t uid = 0;
  gid_t gid = 0;
  bool drop = !spec.run_as_user.empty() && geteuid() == 0;
  if (drop) {
    passwd* pw = getpwnam(spec.run_as_user.c_str());
    if (pw == nullptr) {
      return Status::Failure("cannot run " + spec.argv[0] + " as user '" + spec.run_as_user +
                             "': no such user (install the package that creates it)");
    }
    uid = pw->pw_uid;
    gid = pw->pw_gid;
  }
  std::vector<std::string> env = MergedEnvironment(spec);
  std::vector<char*> argv_ptrs;
  for (const auto& a : spec.argv) argv_ptrs.push_back(const_cast<char*>(a.c_str()));
  argv_ptrs.push_back(nullptr);
  std::vector<char*> env_ptrs;
  for (const auto& e : env) env_ptrs.push_back(const_cast<char*>(e.c_str()));
  env_ptrs.push_back(nullptr);

  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return Status::Failure("cannot start " + spec.argv[0] + ": fork: " + ErrnoText());
  if (pid == 0) ExecChild(spec, argv_ptrs.data(), env_ptrs.data(), uid, gid, drop, parent);
  return pid;
}

Result<int> RunProcess(const ProcessSpec& spec) {
  SICOOP_ASSIGN_OR_RETURN(pid_t pid, StartProcess(spec));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Status::Failure("waiting for " + spec.argv[0] + ": " + ErrnoText());
  }
  if (WIFEXITED(status)) {
    int code = WEXITSTATUS(status);
    if (code == 127) {
      return Status::Failure("cannot run '" + spec.argv[0] + "': not found (is it installed? " +
                             "scripts/setup.sh installs what sicoop needs)");
    }
    return code;
  }
  return 128 + WTERMSIG(status);
}

bool IsProcessAlive(pid_t pid) {
  if (pid <= 0) return false;
  int status = 0;
  // Reap it if it is our exited child, so that a zombie does not look alive.
  if (waitpid(pid, &status, WNOHANG) == pid) return false;
  return kill(pid, 0) == 0 || errno == EPERM;
}

void StopProcess(pid_t pid, std::chrono::milliseconds grace) {
  if (!IsProcessAlive(pid)) return;
  kill(pid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!IsProcessAlive(pid)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
}

Result<int> FindFreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Status::Failure("cannot find a free port: socket: " + ErrnoText());
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::string error = ErrnoText();
    close(fd);
    return Status::Failure("cannot find a free port on 127.0.0.1: " + error);
  }
  close(fd);
  return static_cast<int>(ntohs(addr.sin_port));
}

bool PortAcceptsConnections(const std::string& host, int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  std::string ip = host == "localhost" ? "127.0.0.1" : host;
  bool ok = inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) == 1 &&
            connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

std::string TailOfFile(const std::string& path, int max_lines) {
  std::ifstream in(path);
  std::deque<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(line);
    if (static_cast<int>(lines.size()) > max_lines) lines.pop_front();
  }
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

std::string FindOnPath(const std::string& name) {
  // PATH is read here and not passed down from main's Environment: it is the same variable
  // execvpe() reads for every child started here, and the two must agree on what a name means.
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  std::string dirs(path);
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::filesystem::path candidate = std::filesystem::path(dirs.substr(start, end - start)) / name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = end + 1;
  }
  return "";
}

}  // namespace sicoop
