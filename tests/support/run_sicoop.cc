#include "support/run_sicoop.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/process.h"
#include "support/files.h"
#include "support/test_servers.h"

namespace sicoop::testing {

RunResult RunCommand(const std::vector<std::string>& argv,
                     const std::vector<std::pair<std::string, std::string>>& env) {
  static int counter = 0;
  std::filesystem::path log = std::filesystem::temp_directory_path() /
                              ("sicoop-run-" + std::to_string(getpid()) + "-" + std::to_string(++counter) + ".log");
  ProcessSpec spec;
  spec.argv = argv;
  spec.env = env;
  spec.log_file = log.string();
  RunResult result;
  auto code = RunProcess(spec);
  result.exit_code = code.ok() ? code.value() : -1;
  result.output = code.ok() ? ReadWholeFile(log) : code.status().message();
  std::filesystem::remove(log);
  return result;
}

RunResult RunSicoop(const std::vector<std::string>& args,
                    const std::vector<std::pair<std::string, std::string>>& env) {
  std::vector<std::string> argv = {SicoopBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, env);
}

namespace {

// Appends what `fd` has to read now to `into`; false once it has nothing more to give (end of file,
// or EIO: a pseudo-terminal whose other side is closed).
bool DrainReadable(int fd, std::string& into) {
  char buffer[4096];
  ssize_t got = read(fd, buffer, sizeof buffer);
  if (got > 0) into.append(buffer, static_cast<size_t>(got));
  return got > 0 || (got < 0 && errno == EINTR);
}

// Runs sicoop with stdout on a pipe and stderr on a pipe or on a pseudo-terminal.
SplitRunResult RunSplit(const std::vector<std::string>& args,
                        const std::vector<std::pair<std::string, std::string>>& env, std::chrono::seconds limit,
                        bool stderr_on_terminal) {
  SplitRunResult result;
  int out_pipe[2], err_pipe[2];
  bool opened = pipe(out_pipe) == 0 &&
                (stderr_on_terminal ? openpty(&err_pipe[0], &err_pipe[1], nullptr, nullptr, nullptr) : pipe(err_pipe)) == 0;
  if (!opened) {
    ADD_FAILURE() << "could not open pipes or a pseudo-terminal: " << std::strerror(errno);
    return result;
  }
  std::vector<std::string> argv = {SicoopBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    int null_input = open("/dev/null", O_RDONLY);
    dup2(null_input, STDIN_FILENO);
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1], null_input}) close(fd);
    for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
    std::vector<char*> c_argv;
    for (auto& arg : argv) c_argv.push_back(arg.data());
    c_argv.push_back(nullptr);
    execv(c_argv[0], c_argv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (pid < 0) {
    ADD_FAILURE() << "fork failed: " << std::strerror(errno);
    close(out_pipe[0]);
    close(err_pipe[0]);
    return result;
  }
  // Reads both until both are closed: sicoop has then exited (or left them to a child of its own,
  // which the deadline also covers).
  const auto deadline = std::chrono::steady_clock::now() + limit;
  bool out_open = true, err_open = true, killed = false;
  while (out_open || err_open) {
    if (!killed && std::chrono::steady_clock::now() > deadline) {
      ADD_FAILURE() << "sicoop still ran after " << limit.count() << " s: killed";
      kill(pid, SIGKILL);
      killed = true;
    }
    pollfd fds[2] = {{out_open ? out_pipe[0] : -1, POLLIN, 0}, {err_open ? err_pipe[0] : -1, POLLIN, 0}};
    if (poll(fds, 2, 200) < 0 && errno != EINTR) break;
    if (out_open && fds[0].revents != 0) out_open = DrainReadable(out_pipe[0], result.out);
    if (err_open && fds[1].revents != 0) err_open = DrainReadable(err_pipe[0], result.err);
  }
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace

SplitRunResult RunSicoopSplit(const std::vector<std::string>& args,
                              const std::vector<std::pair<std::string, std::string>>& env, std::chrono::seconds limit) {
  return RunSplit(args, env, limit, false);
}

SplitRunResult RunSicoopOnTerminal(const std::vector<std::string>& args,
                                   const std::vector<std::pair<std::string, std::string>>& env,
                                   std::chrono::seconds limit) {
  return RunSplit(args, env, limit, true);
}

}  // namespace sicoop::testing
