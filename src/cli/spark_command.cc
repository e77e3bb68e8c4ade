// sicoop spark start|stop|status: a local Spark Connect server kept running between runs, so that
// etl and demo skip Spark's startup. Wires the command line to src/spark/local_server.h.
#include <cctype>
#include <cstdio>

#include "cli/commands.h"
#include "cli/help_catalog.h"
#include "cli/options.h"
#include "local/local_server.h"
#include "spark/session.h"

namespace sicoop::cli {
namespace {

const CommandSpec kStartSpec = {
    "sicoop spark start [--port N] [--memory SIZE] [--time-zone ZONE]",
    "Starts a local Spark Connect server (Spark in local[*] mode, listening on 127.0.0.1) and waits\n"
    "until it answers. etl and demo without --spark use it. Its state and log are kept in\n"
    "$SICOOP_STATE_DIR (default: the sicoop cache's spark-server folder).",
    {
        {"port", "N", "port to listen on (default: a free one)", ""},
        // No default here: it comes from the environment, which is read in main, not at static
        // initialisation.
        {"memory", "SIZE", "driver memory, as in spark-submit: 2g, 512m (default: $SICOOP_SPARK_MEMORY, else 4g)",
         ""},
        {"time-zone", "ZONE", "time zone of the server's JVM and sessions (output never depends on it)", "UTC"},
    }};

const CommandSpec kStopSpec = {"sicoop spark stop", "Stops the local Spark Connect server, if one runs.", {}};

const CommandSpec kStatusSpec = {
    "sicoop spark status",
    "Shows the local Spark Connect server: endpoint, pid, log and Spark version. Exit status 1 when\n"
    "none runs.",
    {}};

constexpr const char* kSparkUsage =
    "usage: sicoop spark start [--port N] [--memory SIZE] [--time-zone ZONE]\n"
    "       sicoop spark stop\n"
    "       sicoop spark status\n"
    "'sicoop spark start --help' describes the options.\n";

// "4g", "512m", "2048k", "1073741824": what spark-submit's --driver-memory accepts.
Status CheckMemory(const std::string& memory) {
  size_t digits = 0;
  while (digits < memory.size() && std::isdigit(static_cast<unsigned char>(memory[digits]))) ++digits;
  std::string unit = memory.substr(digits);
  bool unit_ok = unit.empty() || (unit.size() == 1 && std::string("kKmMgGtT").find(unit[0]) != std::string::npos);
  if (digits == 0 || !unit_ok) {
    return Status::Usage("--memory must be a size such as 4g or 512m, not '" + memory + "'");
  }
  return Status::Ok();
}

// An IANA zone name (America/Sao_Paulo, UTC, Etc/GMT+3) or an offset (+03:00), as the JVM reads them:
// letters, digits and "/_+-:" only, so that nothing else reaches the server's command line.
Status CheckTimeZone(const std::string& zone) {
  bool ok = !zone.empty() && zone.size() <= 64;
  for (char c : zone) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || std::string("/_+-:").find(c) != std::string::npos);
  }
  if (!ok) return Status::Usage("--time-zone must be a zone name such as America/Sao_Paulo or UTC, not '" + zone + "'");
  return Status::Ok();
}

// A server whose state has no port yet is still starting (it picks its port itself and says which
// once bound): nothing can talk to it yet.
Status StillStarting(const local::LocalServerState& state, const std::filesystem::path& state_dir) {
  return Status::Failure("the local Spark Connect server (pid " + std::to_string(state.pid) + ", state in " +
                         state_dir.string() + ") is still starting: try again in a moment, or stop it with " +
                         "'sicoop spark stop'");
}

void PrintServer(const local::LocalServerState& state) {
  std::printf("endpoint  %s\npid       %d\nlog       %s\n", state.endpoint().Redacted().c_str(),
              static_cast<int>(state.pid), state.log_file.c_str());
}

Status Start(const std::vector<std::string>& args, const Environment& environment) {
  SICOOP_ASSIGN_OR_RETURN(std::optional<ParsedOptions> given, ParseOrShowHelp(kStartSpec, args));
  if (!given) return Status::Ok();
  const ParsedOptions& parsed = *given;
  local::LocalServerOptions options;
  options.state_dir = local::DefaultStateDir(environment);
  if (parsed.Has("port")) {
    SICOOP_ASSIGN_OR_RETURN(int64_t port, parsed.GetInt("port", 1, 65535));
    options.port = static_cast<int>(port);
  }
  options.driver_memory = parsed.Has("memory") ? parsed.Get("memory") : local::DefaultDriverMemory(environment);
  SICOOP_RETURN_IF_ERROR(CheckMemory(options.driver_memory));
  options.time_zone = parsed.Get("time-zone");
  SICOOP_RETURN_IF_ERROR(CheckTimeZone(options.time_zone));
  if (auto running = local::RunningLocalServer(options.state_dir)) {
    if (running->port == 0) return StillStarting(*running, options.state_dir);
    std::printf("a local Spark Connect server already runs:\n");
    PrintServer(*running);
    if (options.port != 0 && options.port != running->port) {
      return Status::Failure("it listens on port " + std::to_string(running->port) + ", not " +
                             std::to_string(options.port) + ": run 'sicoop spark stop' first");
    }
    return Status::Ok();
  }
  // The server serves the runs that follow, S3 ones too: it reads S3 with the credentials of the
  // environment it was started in, as the AWS tools would.
  options.with_aws_credentials = true;
  // Said once the process exists: a taken port or a missing runtime fails before, at once.
  options.on_process_started = [](pid_t) { std::fprintf(stderr, "starting a local Spark Connect server...\n"); };
  SICOOP_ASSIGN_OR_RETURN(local::LocalServerState state, local::StartLocalServer(options, environment));
  std::printf("local Spark Connect server started:\n");
  PrintServer(state);
  return Status::Ok();
}

Status Stop(const std::vector<std::string>& args, const Environment& environment) {
  SICOOP_ASSIGN_OR_RETURN(std::optional<ParsedOptions> given, ParseOrShowHelp(kStopSpec, args));
  if (!given) return Status::Ok();
  const std::filesystem::path state_dir = local::DefaultStateDir(environment);
  auto running = local::RunningLocalServer(state_dir);
  if (!running) {
    std::printf("no local Spark Connect server runs\n");
    return Status::Ok();
  }
  SICOOP_RETURN_IF_ERROR(local::StopLocalServer(state_dir));
  std::printf("stopped the local Spark Connect server at %s (pid %d)\n", running->endpoint().Redacted().c_str(),
              static_cast<int>(running->pid));
  return Status::Ok();
}

Status ShowStatus(const std::vector<std::string>& args, const Environment& environment) {
  SICOOP_ASSIGN_OR_RETURN(std::optional<ParsedOptions> given, ParseOrShowHelp(kStatusSpec, args));
  if (!given) return Status::Ok();
  const std::filesystem::path state_dir = local::DefaultStateDir(environment);
  auto running = local::RunningLocalServer(state_dir);
  if (!running) {
    return Status::Failure("no local Spark Connect server runs (state folder " + state_dir.string() +
                           "): start one with 'sicoop spark start'");
  }
  if (running->port == 0) return StillStarting(*running, state_dir);
  PrintServer(*running);
  SICOOP_ASSIGN_OR_RETURN(auto session, spark::SparkSession::Connect(running->endpoint()));
  SICOOP_ASSIGN_OR_RETURN(std::string version, session->Version());
  std::printf("version   Spark %s\n", version.c_str());
  return session->Close();
}

}  // namespace

const CommandSpec& SparkStartSpec() { return kStartSpec; }
const CommandSpec& SparkStopSpec() { return kStopSpec; }
const CommandSpec& SparkStatusSpec() { return kStatusSpec; }

int RunSpark(const std::vector<std::string>& args, const Environment& environment) {
  return RunSubcommand(args, kSparkUsage,
                       {{"start", [&environment](const auto& rest) { return Start(rest, environment); }},
                        {"stop", [&environment](const auto& rest) { return Stop(rest, environment); }},
                        {"status", [&environment](const auto& rest) { return ShowStatus(rest, environment); }}},
                       "'sicoop spark start', 'stop' or 'status'", "sicoop spark");
}

}  // namespace sicoop::cli
