#include "local/local_server.h"

#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/numbers.h"
#include "common/process.h"
#include "local/runtime.h"
#include "spark/session.h"

namespace sicoop::local {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kStateFileName = "server.state";
constexpr const char* kLogFileName = "server.log";
constexpr const char* kServerClass = "org.apache.spark.sql.connect.service.SparkConnectServer";
constexpr const char* kLoopback = "127.0.0.1";
constexpr std::chrono::seconds kStopGrace(20);
constexpr std::chrono::milliseconds kPollInterval(500);
constexpr std::chrono::seconds kProbeTimeout(3);
constexpr int kLogLinesInErrors = 15;
// What the server logs once its gRPC port is bound, followed by "HOST:PORT".
constexpr std::string_view kStartedAt = "Spark Connect server started at: ";
// What Spark logs once its web UI is bound, followed by the port.
constexpr std::string_view kUiStartedAt = "Successfully started service 'SparkUI' on port ";

std::string Join(const std::vector<std::string>& items, char separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : std::string(1, separator)) + item;
  return out;
}

// spark-submit's command line for a Connect server on 127.0.0.1:port (0: a port the server picks).
std::vector<std::string> ServerCommand(const SparkRuntime& runtime, const LocalServerOptions& options,
                                       int port) {
  std::vector<std::string> argv = {
      (runtime.spark_home / "bin" / "spark-submit").string(),
      "--class", kServerClass,
      "--name", "sicoop Spark Connect server",
      "--master", "local[*]",
      "--driver-memory", options.driver_memory,
      // Timestamps from the sources reach Spark as wall-clock text, so the zone changes nothing in
      // the output; UTC by default keeps the server's own logs free of daylight-saving jumps.
      "--driver-java-options", "-Duser.timezone=" + options.time_zone,
      "--conf", "spark.sql.session.timeZone=" + options.time_zone,
      "--conf", std::string("spark.connect.grpc.binding.address=") + kLoopback,
      "--conf", "spark.connect.grpc.binding.port=" + std::to_string(port),
      "--conf", std::string("spark.driver.host=") + kLoopback,
      "--conf", std::string("spark.driver.bindAddress=") + kLoopback,
      // The operations of a client that died (sicoop killed) stop when its session expires: 30 s
      // after the client's last request (a live sicoop sends one every 10 s), checked every 2 s,
      // instead of Spark's 60 minutes and 30 s (ARCHITECTURE.md, "Reattachable execution").
      "--conf", "spark.connect.session.manager.defaultSessionTimeout=30s",
      "--conf", "spark.connect.session.manager.maintenanceInterval=2s",
      // No web UI unless asked: nothing else listens, and it saves startup time. Progress comes over
      // Connect. Asked, on a port the UI binds itself (0), on 127.0.0.1 (SPARK_LOCAL_IP).
      "--conf", options.web_ui ? "spark.ui.port=0" : "spark.ui.enabled=false",
  };
  if (!runtime.jars.empty()) {
    argv.push_back("--jars");
    argv.push_back(Join(runtime.jars, ','));
  }
  argv.push_back("spark-internal");  // spark-submit's name for "the main class is on the class path"
  return argv;
}

Status WriteState(const fs::path& state_dir, const LocalServerState& state) {
  fs::path file = state_dir / kStateFileName;
  fs::path temporary = file;
  temporary += ".tmp";
  {
    std::ofstream out(temporary);
    out << "pid=" << state.pid << "\nport=" << state.port << "\nlog=" << state.log_file << "\n";
    if (!out) return Status::Failure("cannot write " + temporary.string());
  }
  std::error_code error;
  fs::rename(temporary, file, error);
  if (error) return Status::Failure("cannot write " + file.string() + ": " + error.message());
  return Status::Ok();
}

std::optional<LocalServerState> ReadState(const fs::path& state_dir) {
  std::ifstream in(state_dir / kStateFileName);
  if (!in) return std::nullopt;
  LocalServerState state;
  std::string line;
  while (std::getline(in, line)) {
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq);
    std::string value = line.substr(eq + 1);
    // A value that is not a number leaves the field 0: the file is then not a server's state.
    const std::optional<int64_t> number = ParseInteger(value);
    if (key == "pid" && number && *number > 0 && *number <= INT32_MAX) state.pid = static_cast<pid_t>(*number);
    if (key == "port" && number && *number >= 0 && *number <= 65535) state.port = static_cast<int>(*number);
    if (key == "log") state.log_file = value;
  }
  if (state.pid <= 0) return std::nullopt;
  return state;
}

// Guards against a recycled pid: only a process whose command line names the server class is ours.
bool IsSparkConnectServer(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return IsProcessAlive(pid) && content.str().find("SparkConnectServer") != std::string::npos;
}

// Stops the process group led by `pid`: SIGTERM (Spark shuts down cleanly), SIGKILL after a grace.
void StopServerProcess(pid_t pid) {
  if (pid > 0) kill(-pid, SIGTERM);
  auto deadline = Clock::now() + kStopGrace;
  while (IsProcessAlive(pid) && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  if (IsProcessAlive(pid)) {
    kill(-pid, SIGKILL);
    StopProcess(pid, std::chrono::milliseconds(0));  // reaps it when it is our child
  }
}

Status StartupFailure(const std::string& what, const std::string& log_file) {
  return Status::Failure("the local Spark Connect server " + what + "; the end of its log " + log_file + ":\n" +
                         TailOfFile(log_file, kLogLinesInErrors));
}

// The port the server's log says it bound after `announcement`, once it says so: the number after
// the line's last ':' or, when the line ends in '.', between the announcement and that '.'.
std::optional<int> LoggedPort(const std::string& log_file, std::string_view announcement = kStartedAt) {
  std::ifstream in(log_file);
  std::string line;
  while (std::getline(in, line)) {
    size_t at = line.find(announcement);
    if (at == std::string::npos) continue;
    std::string_view rest = std::string_view(line).substr(at + announcement.size());
    if (rest.ends_with('.')) rest.remove_suffix(1);
    if (size_t colon = rest.rfind(':'); colon != std::string_view::npos) rest.remove_prefix(colon + 1);
    std::optional<int64_t> port = ParseInteger(std::string(rest));
    if (port && *port > 0 && *port <= 65535) return static_cast<int>(*port);
  }
  return std::nullopt;
}

// A server that picks its own port (state.port 0) says which in its log: once it has, the port goes
// into `state` and its file. Best effort on the file: a later reader finds the port in the log too.
void LearnPortFromLog(LocalServerState& state, const fs::path& state_dir) {
  if (state.port != 0) return;
  if (std::optional<int> port = LoggedPort(state.log_file)) {
    state.port = *port;
    (void)WriteState(state_dir, state);
  }
}

// Polls until the server answers a real Spark Connect request (an open port is not enough: the
// gRPC service starts before the session machinery is ready).
Status WaitUntilAnswering(LocalServerState& state, const fs::path& state_dir, std::chrono::seconds timeout) {
  auto deadline = Clock::now() + timeout;
  spark::SessionOptions probe;
  probe.connect_timeout = kProbeTimeout;
  while (Clock::now() < deadline) {
    if (!IsProcessAlive(state.pid)) return StartupFailure("exited during startup", state.log_file);
    LearnPortFromLog(state, state_dir);
    if (state.port != 0 && PortAcceptsConnections(kLoopback, state.port)) {
      auto session = spark::SparkSession::Connect(state.endpoint(), probe);
      if (session.ok()) return (*session)->Close();
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  return StartupFailure("did not answer within " + std::to_string(timeout.count()) + " s", state.log_file);
}

}  // namespace

fs::path DefaultStateDir(const Environment& environment) {
  return environment.state_dir.empty() ? CacheDir(environment) / "spark-server" : fs::path(environment.state_dir);
}

std::string DefaultDriverMemory(const Environment& environment) {
  return environment.spark_memory.empty() ? LocalServerOptions().driver_memory : environment.spark_memory;
}

spark::ConnectionString LocalServerState::endpoint() const {
  spark::ConnectionString endpoint;
  endpoint.host = kLoopback;
  endpoint.port = port;
  return endpoint;
}

Result<LocalServerState> StartLocalServer(const LocalServerOptions& options, const Environment& environment) {
  if (auto running = RunningLocalServer(options.state_dir)) {
    return Status::Failure("a local Spark Connect server already runs at " + running->endpoint().Redacted() +
                           " (pid " + std::to_string(running->pid) + ", state in " + options.state_dir.string() +
                           "): stop it first with 'sicoop spark stop'");
  }
  SICOOP_ASSIGN_OR_RETURN(SparkRuntime runtime, FindSparkRuntime(environment));
  // Without --port the server binds port 0 and the system picks a free one: no other process can
  // take it between a choice and the bind.
  const int port = options.port;
  if (port != 0 && PortAcceptsConnections(kLoopback, port)) {
    return Status::Failure("port " + std::to_string(port) + " on 127.0.0.1 is already in use: choose another " +
                           "with --port, or leave --port out for a free one");
  }
  std::error_code error;
  fs::create_directories(options.state_dir, error);
  if (error) {
    return Status::Failure("cannot create the Spark state folder " + options.state_dir.string() + ": " +
                           error.message() + " (set SICOOP_STATE_DIR to a writable folder)");
  }
  const fs::path state_dir = fs::absolute(options.state_dir, error);
  if (error) {
    return Status::Failure("cannot resolve the Spark state folder " + options.state_dir.string() + ": " +
                           error.message());
  }
  LocalServerState state;
  state.port = port;
  state.log_file = (state_dir / kLogFileName).string();
  std::ofstream(state.log_file, std::ios::trunc).close();  // the log of this start only

  ProcessSpec spec;
  spec.argv = ServerCommand(runtime, options, port);
  spec.env = {{"SPARK_HOME", runtime.spark_home.string()},
              {"JAVA_HOME", runtime.java_home.string()},
              {"SPARK_LOCAL_IP", kLoopback}};
  // The server's S3A connector takes credentials the AWS way, from its own environment: when asked,
  // the variables a child is otherwise denied for holding secrets (common/process.h) are passed by name.
  for (const auto& [name, value] : {std::pair{"AWS_SECRET_ACCESS_KEY", &environment.aws.secret_access_key},
                                    std::pair{"AWS_SESSION_TOKEN", &environment.aws.session_token},
                                    std::pair{"AWS_SHARED_CREDENTIALS_FILE", &environment.aws.shared_credentials_file},
                                    std::pair{"AWS_WEB_IDENTITY_TOKEN_FILE", &environment.aws.web_identity_token_file}}) {
    if (options.with_aws_credentials && !value->empty()) spec.env.emplace_back(name, *value);
  }
  spec.log_file = state.log_file;
  spec.working_dir = state_dir.string();  // spark-warehouse/, derby.log land here
  spec.new_session = true;
  spec.dies_with_parent = options.dies_with_caller;
  SICOOP_ASSIGN_OR_RETURN(state.pid, StartProcess(spec));
  if (options.on_process_started) options.on_process_started(state.pid);
  if (Status written = WriteState(options.state_dir, state); !written.ok()) {
    StopServerProcess(state.pid);  // nothing would find it to stop it later
    return written;
  }

  Status ready = WaitUntilAnswering(state, options.state_dir, options.startup_timeout);
  if (!ready.ok()) {
    StopServerProcess(state.pid);
    fs::remove(options.state_dir / kStateFileName, error);
    return ready;
  }
  // The UI starts before the Connect service, so an answering server has logged its port.
  if (options.web_ui) state.ui_port = LoggedPort(state.log_file, kUiStartedAt).value_or(0);
  return state;
}

std::optional<LocalServerState> RunningLocalServer(const fs::path& state_dir) {
  auto state = ReadState(state_dir);
  if (!state) return std::nullopt;
  if (!IsSparkConnectServer(state->pid)) {
    std::error_code error;
    fs::remove(state_dir / kStateFileName, error);
    return std::nullopt;
  }
  // Its starter may have died before it recorded the port the server picked: the log still says.
  LearnPortFromLog(*state, state_dir);
  return state;
}

Status StopLocalServer(const fs::path& state_dir) {
  auto state = RunningLocalServer(state_dir);
  if (!state) return Status::Ok();
  StopServerProcess(state->pid);
  if (IsProcessAlive(state->pid)) {
    return Status::Failure("the local Spark Connect server (pid " + std::to_string(state->pid) +
                           ") did not stop; kill it by hand");
  }
  std::error_code error;
  fs::remove(state_dir / kStateFileName, error);
  return Status::Ok();
}

}  // namespace sicoop::local
