// Child processes and local ports: what sicoop needs to run the servers it manages (a local Spark
// Connect server, a throwaway PostgreSQL) and the tools it calls.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace sicoop {

struct ProcessSpec {
  std::vector<std::string> argv;                            // argv[0] is a path or a name on PATH
  std::vector<std::pair<std::string, std::string>> env;     // added to (or replacing in) environ
  std::string log_file;         // stdout and stderr are appended here; empty = /dev/null
  std::string working_dir;      // empty = inherit
  std::string run_as_user;      // when running as root: drop to this user (PostgreSQL refuses root)
  bool new_session = false;     // detach from the terminal's process group (a server that outlives us)
  // The child gets SIGTERM when the thread that started it ends (the main thread: when sicoop ends,
  // even by SIGKILL), and keeps that across exec. For a server that serves one run only.
  bool dies_with_parent = false;
};

// True for an environment variable that holds a secret: its name contains PASSWORD, PASSWD,
// PASSPHRASE, SECRET, TOKEN or CREDENTIAL, or ends in _PWD (MYSQL_PWD) or _KEY. Such variables are never inherited by the
// processes started here (a JVM shows its environment to tools and dumps); a ProcessSpec that needs
// one passes it in `env`.
bool IsSecretVariable(std::string_view name);

// Starts the process and returns its pid without waiting for it. It inherits this process's
// environment but for the secret variables (IsSecretVariable), with `spec.env` added.
Result<pid_t> StartProcess(const ProcessSpec& spec);

// Runs the process to completion and returns its exit code (128+N when killed by signal N).
Result<int> RunProcess(const ProcessSpec& spec);

bool IsProcessAlive(pid_t pid);

// Sends SIGTERM, waits up to `grace`, then SIGKILL. Reaps the child when it is ours.
void StopProcess(pid_t pid, std::chrono::milliseconds grace);

// A TCP port on 127.0.0.1 that was free at the time of the call.
Result<int> FindFreePort();

// True when something accepts TCP connections on host:port.
bool PortAcceptsConnections(const std::string& host, int port);

// The last `max_lines` lines of a text file (for error messages that point at a log).
std::string TailOfFile(const std::string& path, int max_lines);

// Finds an executable by name on PATH; empty when absent.
std::string FindOnPath(const std::string& name);

}  // namespace sicoop
