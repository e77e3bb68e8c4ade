#include "cli/local_servers_support.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <thread>

#include "common/process.h"
#include "support/files.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {
namespace fs = std::filesystem;

// The state letter of /proc/PID/stat ("Z" for a zombie), or "" when the process is gone.
std::string ProcessState(const std::string& pid_dir) {
  std::string stat = ReadWholeFile(pid_dir + "/stat");
  size_t paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size() ? "" : stat.substr(paren + 2, 1);
}

bool IsUnder(const std::string& path, const std::string& folder) {
  return path == folder || path.rfind(folder + "/", 0) == 0;
}

}  // namespace

std::vector<SeenProcess> ProcessesWorkingUnder(const fs::path& folder) {
  const std::string root = fs::weakly_canonical(folder).string();
  std::vector<SeenProcess> found;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::error_code link_error;
    std::string cwd = fs::read_symlink(entry.path() / "cwd", link_error).string();
    if (link_error) continue;  // gone meanwhile, or a zombie
    const std::string deleted = " (deleted)";
    std::string folder_of_cwd = cwd;
    if (folder_of_cwd.size() > deleted.size() &&
        folder_of_cwd.compare(folder_of_cwd.size() - deleted.size(), deleted.size(), deleted) == 0) {
      folder_of_cwd.resize(folder_of_cwd.size() - deleted.size());
    }
    if (!IsUnder(folder_of_cwd, root) || ProcessState(entry.path().string()) == "Z") continue;
    std::string command_line = ReadWholeFile(entry.path() / "cmdline");
    for (char& c : command_line) c = c == '\0' ? ' ' : c;
    found.push_back({static_cast<pid_t>(std::atol(name.c_str())), cwd, command_line});
  }
  return found;
}

bool ProcessRuns(pid_t pid) {
  if (pid <= 0 || kill(pid, 0) != 0) return false;
  std::string state = ProcessState("/proc/" + std::to_string(pid));
  return !state.empty() && state != "Z";
}

std::vector<SeenProcess> StillRunning(const std::vector<SeenProcess>& processes, std::chrono::seconds grace) {
  auto deadline = std::chrono::steady_clock::now() + grace;
  std::vector<SeenProcess> running;
  do {
    running.clear();
    std::map<pid_t, bool> counted;
    for (const auto& process : processes) {
      if (!counted[process.pid] && ProcessRuns(process.pid)) running.push_back(process);
      counted[process.pid] = true;
    }
    if (!running.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  } while (!running.empty() && std::chrono::steady_clock::now() < deadline);
  return running;
}

void KillProcessesWorkingUnder(const fs::path& folder) {
  for (const auto& process : ProcessesWorkingUnder(folder)) {
    ADD_FAILURE() << "left behind, now killed: pid " << process.pid << " in " << process.working_dir << ": "
                  << process.command_line;
    kill(process.pid, SIGKILL);
  }
}

WatchedRun RunSicoopWatching(const fs::path& folder, const std::vector<std::string>& args,
                             const std::vector<std::pair<std::string, std::string>>& env,
                             const InterruptWhen& interrupt) {
  static int counter = 0;
  const fs::path log = fs::temp_directory_path() / ("sicoop-watched-" + std::to_string(getpid()) + "-" +
                                                    std::to_string(++counter) + ".log");
  ProcessSpec spec;
  spec.argv = {SicoopBinary()};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.env = env;
  spec.log_file = log.string();
  WatchedRun watched;
  auto pid = StartProcess(spec);
  if (!pid.ok()) {
    watched.run.output = pid.status().message();
    return watched;
  }
  std::map<pid_t, SeenProcess> seen;
  bool interrupted = false;
  int status = 0;
  // At least one look, however short the run: a run too quick to be watched would otherwise show
  // nothing, and "no process seen" would pass for "none ran".
  bool running = true;
  while (running) {
    for (auto& process : ProcessesWorkingUnder(folder)) seen.emplace(process.pid, std::move(process));
    watched.seen.clear();
    for (const auto& [process_id, process] : seen) watched.seen.push_back(process);
    if (interrupt && !interrupted && interrupt(watched.seen)) {
      kill(*pid, SIGTERM);
      interrupted = true;
    }
    running = waitpid(*pid, &status, WNOHANG) == 0;
    if (running) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  watched.run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  watched.run.output = ReadWholeFile(log);
  fs::remove(log);
  return watched;
}

std::vector<SeenProcess> WithCommandLine(const std::vector<SeenProcess>& seen, const std::string& text) {
  std::vector<SeenProcess> matching;
  for (const auto& process : seen) {
    if (process.command_line.find(text) != std::string::npos) matching.push_back(process);
  }
  return matching;
}

std::vector<CsvRow> ReadCsvFile(const fs::path& file) {
  std::vector<CsvRow> rows;
  std::string error;
  EXPECT_TRUE(fs::exists(file)) << file;
  EXPECT_TRUE(ParseCsv(ReadWholeFile(file), ',', rows, error)) << file << ": " << error;
  return rows;
}

CsvRow FlatFileHeader() {
  return {"nome_associado",      "sobrenome_associado", "idade_associado",     "vlr_transacao_movimento",
          "des_transacao_movimento", "data_movimento",  "numero_cartao",       "nome_impresso_cartao",
          "data_criacao_cartao", "tipo_conta",          "data_criacao_conta"};
}

void StartSparkWithItsUi(const std::filesystem::path& state_dir, local::LocalServerState& server) {
  local::LocalServerOptions options;
  options.state_dir = state_dir;
  options.driver_memory = "1g";
  options.web_ui = true;
  auto started = local::StartLocalServer(options, Environment::FromProcess());
  ASSERT_TRUE(started.ok()) << started.status().message();
  server = *started;
  ASSERT_GT(server.ui_port, 0) << "no UI port in " << server.log_file;
}

}  // namespace sicoop::testing
