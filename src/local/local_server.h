// A local Spark Connect server (Spark in local[*] mode) that sicoop starts, finds again and stops.
// A state directory holds its state file (pid, port, log path) and its log; the server listens on
// 127.0.0.1 only. `sicoop spark start|stop|status` manage one in DefaultStateDir(); EmbeddedSpark
// (below) finds that one or starts a private one for a single run.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "common/cleanup.h"
#include "common/environment.h"
#include "common/status.h"
#include "spark/connection_string.h"

namespace sicoop::local {

// $SICOOP_STATE_DIR, else CACHE/spark-server (CacheDir in runtime.h), from `environment`'s values.
std::filesystem::path DefaultStateDir(const Environment& environment);

// $SICOOP_SPARK_MEMORY, else "4g": room for the ETL's joins and sorts on a laptop; the JVM only
// takes what it needs.
std::string DefaultDriverMemory(const Environment& environment);

struct LocalServerOptions {
  std::filesystem::path state_dir;  // required: DefaultStateDir() or a folder of the caller's
  int port = 0;  // 0: a free port, which the server picks itself
  std::string driver_memory = "4g";
  // The time zone of the server's JVM and of its Spark sessions. sicoop's output never depends on it
  // (timestamps leave the database as text); a cluster in America/Sao_Paulo is reproduced with it.
  std::string time_zone = "UTC";
  std::chrono::seconds startup_timeout = std::chrono::seconds(120);
  // The server gets SIGTERM as soon as the calling process ends, however it ends (SIGKILL included):
  // for a server that serves one run. Must be started from the thread that lives as long as the
  // process (the main thread), since the kernel watches the thread that started it. A server that
  // `sicoop spark start` leaves running must not set it.
  bool dies_with_caller = false;
  // The AWS secret variables sicoop was given (AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and the
  // files of a profile or a web identity), passed by name: for a server whose S3A connector reads
  // and writes S3 with sicoop's credentials. Off, they are withheld like every secret variable.
  bool with_aws_credentials = false;
  // Spark's web UI on 127.0.0.1, on a port of the system's choosing (LocalServerState::ui_port).
  // Off by default: sicoop shows progress itself, and nothing else then listens.
  bool web_ui = false;
  // When set, called with the server's pid as soon as its process exists, before the wait for it to
  // answer (so that a caller interrupted during that wait can still stop it).
  std::function<void(pid_t)> on_process_started;
};

struct LocalServerState {
  pid_t pid = 0;
  int port = 0;  // 0 while a server that picks its own port has not bound it yet
  int ui_port = 0;  // the web UI's port, once started with LocalServerOptions::web_ui; else 0
  std::string log_file;
  spark::ConnectionString endpoint() const;  // sc://127.0.0.1:PORT
};

// Starts a server and waits until it answers a Spark Connect request. Fails when one already runs
// in options.state_dir, when the runtime is missing (see runtime.h), when the port is taken, or when
// the server dies or stays silent during startup; then the message quotes the end of its log. The
// server runs in its own session (process group) and outlives the caller until StopLocalServer,
// unless options.dies_with_caller.
// `environment` locates the runtime (FindSparkRuntime).
Result<LocalServerState> StartLocalServer(const LocalServerOptions& options, const Environment& environment);

// The server recorded in `state_dir`, when its process is alive; nullopt otherwise (a stale state
// file is removed).
std::optional<LocalServerState> RunningLocalServer(const std::filesystem::path& state_dir);

// Stops the server recorded in `state_dir` (SIGTERM to its process group, SIGKILL after a grace
// period) and removes the state file. OK when none runs.
Status StopLocalServer(const std::filesystem::path& state_dir);

// The Spark that `sicoop etl` and `sicoop demo` use when no --spark endpoint is given: the server
// `sicoop spark start` left running, when there is one that answers; else a private local server
// that this object starts and stops.
//
// A server started here never outlives the run: the destructor stops it, and from the moment its
// process exists (startup included) SIGINT, SIGTERM, SIGHUP and SIGABRT send it SIGTERM before the
// process dies of the signal as usual (common/cleanup.h); a death no handler sees (SIGKILL, the
// out-of-memory killer) makes the kernel send it SIGTERM (LocalServerOptions::dies_with_caller).
// Each run works in a folder of its own below DefaultStateDir();
// the next run removes those that interrupted or killed runs left behind.
class EmbeddedSpark {
 public:
  // Finds or starts the server (startup takes 15-30 s) in DefaultStateDir(environment). Failures
  // are those of StartLocalServer.
  // `log`, when set, hears whether a server is reused or started, once that is decided. A server
  // started for a run that uses S3 gets sicoop's AWS credentials (`with_aws_credentials`,
  // LocalServerOptions); a reused one has what `sicoop spark start` gave it.
  static Result<EmbeddedSpark> Start(const Environment& environment,
                                     const std::function<void(const std::string&)>& log = {},
                                     bool with_aws_credentials = false);

  EmbeddedSpark(EmbeddedSpark&& other) noexcept;
  EmbeddedSpark& operator=(EmbeddedSpark&& other) noexcept;
  ~EmbeddedSpark();

  const spark::ConnectionString& connection_string() const { return endpoint_; }
  // For spark::SessionOptions::server_gone: says so once the server's process has died (killed,
  // out of memory), so that a run fails at once rather than reattaching to it for a minute. The
  // check holds copies: it outlives moves of this object.
  std::function<std::optional<std::string>()> ServerGoneCheck() const;
  // Stops the server if this object started it. Idempotent; the destructor calls it.
  void Stop();

 private:
  EmbeddedSpark(const LocalServerState& server, std::filesystem::path state_dir, bool owned,
                CleanupRegistration cleanup_on_signal = {})
      : endpoint_(server.endpoint()),
        server_pid_(server.pid),
        state_dir_(std::move(state_dir)),
        owns_server_(owned),
        cleanup_on_signal_(std::move(cleanup_on_signal)) {}

  spark::ConnectionString endpoint_;
  pid_t server_pid_;
  std::filesystem::path state_dir_;  // where the server's state file is
  bool owns_server_;                 // started here, stopped by Stop() (false once stopped or moved from)
  CleanupRegistration cleanup_on_signal_;  // SIGTERM to the owned server's group on a fatal signal
};

}  // namespace sicoop::local
