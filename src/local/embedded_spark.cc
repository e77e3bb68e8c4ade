#include "local/local_server.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include "common/process.h"
#include "spark/session.h"

namespace sicoop::local {
namespace {

namespace fs = std::filesystem;

// The process group of the server this run started, for the signal handlers; 0 when none.
std::atomic<pid_t> g_owned_server{0};
constexpr int kForwardedSignals[] = {SIGINT, SIGTERM, SIGHUP};
struct sigaction g_previous_actions[std::size(kForwardedSignals)];

// Stops the server, then lets the signal do what it would have done (normally: end the process).
void OnTerminatingSignal(int signal_number) {
  SignalLocalServerGroup(g_owned_server.exchange(0));
  for (size_t i = 0; i < std::size(kForwardedSignals); ++i) {
    if (kForwardedSignals[i] == signal_number) sigaction(signal_number, &g_previous_actions[i], nullptr);
  }
  raise(signal_number);
}

void GuardAgainstSignals(pid_t server) {
  g_owned_server = server;
  struct sigaction action {};
  action.sa_handler = OnTerminatingSignal;
  sigemptyset(&action.sa_mask);
  for (size_t i = 0; i < std::size(kForwardedSignals); ++i) {
    sigaction(kForwardedSignals[i], &action, &g_previous_actions[i]);
  }
}

void ReleaseSignalGuard() {
  if (g_owned_server.exchange(0) == 0) return;
  for (size_t i = 0; i < std::size(kForwardedSignals); ++i) {
    sigaction(kForwardedSignals[i], &g_previous_actions[i], nullptr);
  }
}

// Removes the run-PID folders that interrupted or killed runs left behind (a signal handler cannot
// delete a folder): no server runs in them and their sicoop process is gone.
void RemoveAbandonedRunFolders(const fs::path& shared_dir) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(shared_dir, error)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("run-", 0) != 0 || name.size() == 4) continue;
    if (name.find_first_not_of("0123456789", 4) != std::string::npos) continue;
    const pid_t owner = static_cast<pid_t>(std::atol(name.c_str() + 4));
    if (owner == getpid() || IsProcessAlive(owner) || RunningLocalServer(entry.path())) continue;
    fs::remove_all(entry.path(), error);
  }
}

// A busy machine can keep a healthy server from answering for a while; starting a second one then
// would only make it busier.
bool Answers(const spark::ConnectionString& endpoint) {
  spark::SessionOptions probe;
  probe.connect_timeout = std::chrono::seconds(30);
  auto session = spark::SparkSession::Connect(endpoint, probe);
  return session.ok() && (*session)->Close().ok();
}

}  // namespace

Result<EmbeddedSpark> EmbeddedSpark::Start() {
  fs::path shared_dir = DefaultStateDir();
  if (auto running = RunningLocalServer(shared_dir); running && Answers(running->endpoint())) {
    return EmbeddedSpark(running->endpoint(), std::nullopt);
  }
  RemoveAbandonedRunFolders(shared_dir);
  // A private state folder per run: runs never share, stop or overwrite each other's servers.
  LocalServerOptions options;
  options.state_dir = shared_dir / ("run-" + std::to_string(getpid()));
  // Guarded from the moment the process exists: startup is when a user most likely gives up.
  options.on_process_started = GuardAgainstSignals;
  auto state = StartLocalServer(options);
  if (!state.ok()) {
    ReleaseSignalGuard();
    return state.status();
  }
  return EmbeddedSpark(state->endpoint(), options.state_dir);
}

EmbeddedSpark::EmbeddedSpark(EmbeddedSpark&& other) noexcept
    : endpoint_(std::move(other.endpoint_)), owned_state_dir_(std::move(other.owned_state_dir_)) {
  other.owned_state_dir_.reset();
}

EmbeddedSpark& EmbeddedSpark::operator=(EmbeddedSpark&& other) noexcept {
  if (this != &other) {
    Stop();
    endpoint_ = std::move(other.endpoint_);
    owned_state_dir_ = std::move(other.owned_state_dir_);
    other.owned_state_dir_.reset();
  }
  return *this;
}

EmbeddedSpark::~EmbeddedSpark() { Stop(); }

void EmbeddedSpark::Stop() {
  if (!owned_state_dir_) return;
  if (StopLocalServer(*owned_state_dir_).ok()) {
    std::error_code error;
    fs::remove_all(*owned_state_dir_, error);  // its log and scratch files served this run only
  }
  ReleaseSignalGuard();
  owned_state_dir_.reset();
}

}  // namespace sicoop::local
