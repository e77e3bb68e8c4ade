// What the tests of the servers sicoop starts on its own (a local Spark Connect server, a throwaway
// PostgreSQL) share. Those servers work in folders below the ones a test hands sicoop
// (SICOOP_STATE_DIR, TMPDIR), so a process is recognised as one of them by its working folder.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "local/local_server.h"
#include "support/csv_reader.h"
#include "support/files.h"
#include "support/run_sicoop.h"

namespace sicoop::testing {

struct SeenProcess {
  pid_t pid = 0;
  std::string working_dir;   // as the kernel shows it: " (deleted)" when the folder is gone
  std::string command_line;  // arguments separated by spaces
};

// The live (not zombie) processes whose working folder is `folder` or lies below it, even when that
// folder has been deleted since.
std::vector<SeenProcess> ProcessesWorkingUnder(const std::filesystem::path& folder);

// The process exists and has not ended (a zombie, ended but not yet reaped, does not run).
bool ProcessRuns(pid_t pid);

// The processes of `processes` (each pid once) that still run after up to `grace`: a server may take
// a moment to exit after it said it stopped (PostgreSQL after it removed its pid file).
std::vector<SeenProcess> StillRunning(const std::vector<SeenProcess>& processes, std::chrono::seconds grace);

// Starts a local Spark Connect server of the test's own in `state_dir` (1g of driver memory) with
// its web UI on, into `server`; fails the test when it does not start or logs no UI port. The test
// stops it (local::StopLocalServer).
void StartSparkWithItsUi(const std::filesystem::path& state_dir, local::LocalServerState& server);

// For a TearDown: kills (SIGKILL) every process that still works below `folder`, so that a failed
// test leaves no server behind.
void KillProcessesWorkingUnder(const std::filesystem::path& folder);

struct WatchedRun {
  RunResult run;
  std::vector<SeenProcess> seen;  // every process seen working below the folder while sicoop ran
};

// Says, from the processes seen so far, when to interrupt sicoop.
using InterruptWhen = std::function<bool(const std::vector<SeenProcess>&)>;

// Runs sicoop as RunSicoop does, looking every 100 ms for processes working below `folder`. When
// `interrupt` is set and returns true, sicoop gets SIGTERM (then exit_code is 128 + 15 if it dies of it).
WatchedRun RunSicoopWatching(const std::filesystem::path& folder, const std::vector<std::string>& args,
                             const std::vector<std::pair<std::string, std::string>>& env,
                             const InterruptWhen& interrupt = {});

// What the command line of a Spark Connect server contains (its main class's simple name).
constexpr const char* kSparkConnectServerCommand = "SparkConnectServer";

// The seen processes whose command line contains `text`.
std::vector<SeenProcess> WithCommandLine(const std::vector<SeenProcess>& seen, const std::string& text);

// The records of a CSV file sicoop wrote (header included), or fails the test and returns none.
std::vector<CsvRow> ReadCsvFile(const std::filesystem::path& file);

// The header line of movimento_flat.csv (docs/output-contract.md), split into its columns.
CsvRow FlatFileHeader();

}  // namespace sicoop::testing
