// Child processes and local ports: what sicoop needs to run the servers it manages (a local Spark
// Connect server, a throwaway PostgreSQL) and the tools it calls.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
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
};

// Starts the process and returns its pid without waiting for it.
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
