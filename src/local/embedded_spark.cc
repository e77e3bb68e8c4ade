#include "local/local_server.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <string_view>

#include "common/numbers.h"
#include "common/process.h"
#include "spark/session.h"

namespace sicoop::local {
namespace {

namespace fs = std::filesystem;

// Removes the run-PID folders that interrupted or killed runs left behind (a signal handler cannot
// delete a folder): no server runs in them and their sicoop process is gone.
void RemoveAbandonedRunFolders(const fs::path& shared_dir) {
  std::error_code error;
  for (fs::directory_iterator it(shared_dir, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("run-", 0) != 0) continue;
    const std::optional<int64_t> owner = ParseInteger(std::string_view(name).substr(4));
    if (!owner || *owner <= 0) continue;
    const pid_t pid = static_cast<pid_t>(*owner);
    if (pid == getpid() || IsProcessAlive(pid) || RunningLocalServer(it->path())) continue;
    std::error_code not_removed;  // left for the next run
    fs::remove_all(it->path(), not_removed);
  }
}

// A busy machine can keep a healthy server from answering for a while; starting a second one then
// would only make it busier.
bool Answers(const spark::ConnectionString& endpoint) {
  spark::SessionOptions probe;
  probe.connect_timeout = std::chrono::seconds(30);
  probe.handshake_timeout = probe.connect_timeout;  // a JVM in a long pause is slow even to shake hands
  auto session = spark::SparkSession::Connect(endpoint, probe);
  return session.ok() && (*session)->Close().ok();
}

}  // namespace

Result<EmbeddedSpark> EmbeddedSpark::Start(const Environment& environment,
                                           const std::function<void(const std::string&)>& log,
                                           bool with_aws_credentials) {
  auto say = [&log](const std::string& line) {
    if (log) log(line);
  };
  fs::path shared_dir = DefaultStateDir(environment);
  if (auto running = RunningLocalServer(shared_dir); running && running->port != 0 && Answers(running->endpoint())) {
    say("reusing the local Spark Connect server at " + running->endpoint().Redacted());
    return EmbeddedSpark(*running, shared_dir, /*owned=*/false);
  }
  RemoveAbandonedRunFolders(shared_dir);
  // A private state folder per run: runs never share, stop or overwrite each other's servers.
  LocalServerOptions options;
  options.state_dir = shared_dir / ("run-" + std::to_string(getpid()));
  options.driver_memory = DefaultDriverMemory(environment);
  options.with_aws_credentials = with_aws_credentials;
  // A private server must not outlive a sicoop killed by SIGKILL, which no handler sees: it would
  // finish the dead run's job into its output folder, unknown to `sicoop spark stop`.
  options.dies_with_caller = true;
  // Guarded from the moment the process exists: startup is when a user most likely gives up.
  CleanupRegistration cleanup_on_signal;
  // Said once the server's process exists: what fails before (no runtime, no Java) fails at once.
  options.on_process_started = [&cleanup_on_signal, &say](pid_t server) {
    cleanup_on_signal = CleanupRegistration::TerminateProcessGroup(server);
    say("starting a local Spark Connect server");
  };
  const auto starting = std::chrono::steady_clock::now();
  SICOOP_ASSIGN_OR_RETURN(LocalServerState state, StartLocalServer(options, environment));
  char seconds[32];
  std::snprintf(seconds, sizeof(seconds), "%.1f",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - starting).count());
  say("local Spark Connect server ready at " + state.endpoint().Redacted() + " after " + seconds + " s");
  return EmbeddedSpark(state, options.state_dir, /*owned=*/true, std::move(cleanup_on_signal));
}

EmbeddedSpark::EmbeddedSpark(EmbeddedSpark&& other) noexcept
    : endpoint_(std::move(other.endpoint_)),
      server_pid_(other.server_pid_),
      state_dir_(std::move(other.state_dir_)),
      owns_server_(other.owns_server_),
      cleanup_on_signal_(std::move(other.cleanup_on_signal_)) {
  other.owns_server_ = false;
}

EmbeddedSpark& EmbeddedSpark::operator=(EmbeddedSpark&& other) noexcept {
  if (this != &other) {
    Stop();
    endpoint_ = std::move(other.endpoint_);
    server_pid_ = other.server_pid_;
    state_dir_ = std::move(other.state_dir_);
    owns_server_ = other.owns_server_;
    cleanup_on_signal_ = std::move(other.cleanup_on_signal_);
    other.owns_server_ = false;
  }
  return *this;
}

EmbeddedSpark::~EmbeddedSpark() { Stop(); }

std::function<std::optional<std::string>()> EmbeddedSpark::ServerGoneCheck() const {
  const std::string gone = owns_server_
                               ? "the local Spark Connect server sicoop started for this run (pid " +
                                     std::to_string(server_pid_) + ") has died (killed, or out of memory?)"
                               : "the local Spark Connect server of `sicoop spark start` (pid " +
                                     std::to_string(server_pid_) + ") has stopped (`sicoop spark stop`, killed, or "
                                     "out of memory?)";
  return [pid = server_pid_, state_dir = state_dir_, gone]() -> std::optional<std::string> {
    // A server started again in the same folder is another server: this run's operation is not there.
    std::optional<LocalServerState> running = RunningLocalServer(state_dir);
    if (running && running->pid == pid) return std::nullopt;
    return gone;
  };
}

void EmbeddedSpark::Stop() {
  if (!owns_server_) return;
  if (StopLocalServer(state_dir_).ok()) {
    std::error_code error;
    fs::remove_all(state_dir_, error);  // its log and scratch files served this run only
  }
  cleanup_on_signal_.Release();
  owns_server_ = false;
}

}  // namespace sicoop::local
