// The GitHub Actions workflows: actionlint (with shellcheck on the run: scripts) passes on every
// file, fails on a broken one with a message naming the problem, and the workflow runs the README's
// test command in a Debian 12 container with its caches. A broken workflow fails here, not on the
// first push.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/files.h"
#include "support/run_sicoop.h"

namespace sicoop::testing {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> WorkflowFiles() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(SICOOP_WORKFLOWS_DIR)) {
    auto extension = entry.path().extension();
    if (extension == ".yml" || extension == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

RunResult Actionlint(const fs::path& file) {
  return RunCommand({SICOOP_ACTIONLINT, "-no-color", file.string()});
}

TEST(WorkflowTest, ActionlintIsThePinnedVersion) {
  RunResult version = RunCommand({SICOOP_ACTIONLINT, "-version"});
  ASSERT_EQ(version.exit_code, 0) << "no actionlint at " SICOOP_ACTIONLINT ": run scripts/setup.sh\n" << version.output;
  EXPECT_EQ(version.output.substr(0, version.output.find('\n')), "v" SICOOP_ACTIONLINT_VERSION);
}

TEST(WorkflowTest, ActionlintPassesOnEveryWorkflow) {
  auto files = WorkflowFiles();
  ASSERT_FALSE(files.empty()) << "no workflow in " SICOOP_WORKFLOWS_DIR;
  for (const auto& file : files) {
    RunResult lint = Actionlint(file);
    EXPECT_EQ(lint.exit_code, 0) << file << ":\n" << lint.output;
    EXPECT_EQ(lint.output, "") << file;
  }
}

struct BrokenWorkflow {
  const char* name;
  const char* yaml;
  const char* message;  // what actionlint says, with the file's line and column before it
};

// Each is the same small valid workflow with one thing broken.
const BrokenWorkflow kBrokenWorkflows[] = {
    {"unknown_key",
     "on: push\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    timeout-minute: 5\n    steps:\n      - run: make test\n",
     ":5:5: unexpected key \"timeout-minute\" for \"job\" section"},
    {"undefined_matrix_property",
     "on: push\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: make test\n"
     "        env:\n          SIZE: ${{ matrix.nope }}\n",
     ":8:21: property \"nope\" is not defined in object type {} [expression]"},
    {"missing_runs_on", "on: push\njobs:\n  test:\n    steps:\n      - run: make test\n",
     ":3:3: \"runs-on\" section is missing in job \"test\""},
    // shellcheck on the run: script (actionlint skips it silently when shellcheck is not installed).
    {"unquoted_variable_in_script",
     "on: push\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: make test $TARGETS\n",
     ":6:9: shellcheck reported issue in this script: SC2086"},
};

void PrintTo(const BrokenWorkflow& broken, std::ostream* out) { *out << broken.name; }

class BrokenWorkflowTest : public ::testing::TestWithParam<BrokenWorkflow> {};

TEST_P(BrokenWorkflowTest, ActionlintFailsNamingTheProblem) {
  fs::path folder = MakeTestFolder("workflow");
  fs::path file = folder / (std::string(GetParam().name) + ".yml");
  std::ofstream(file) << GetParam().yaml;
  RunResult lint = Actionlint(file);
  EXPECT_EQ(lint.exit_code, 1) << lint.output;
  // actionlint names the file by its path relative to the working folder: the name ends it either way.
  EXPECT_NE(lint.output.find("/" + file.filename().string() + GetParam().message), std::string::npos) << lint.output;
  fs::remove_all(folder);
}

INSTANTIATE_TEST_SUITE_P(Cases, BrokenWorkflowTest, ::testing::ValuesIn(kBrokenWorkflows),
                         [](const auto& info) { return std::string(info.param.name); });

// The words of each command line of a run: script, split at pipes and &&/||.
std::vector<std::vector<std::string>> Commands(const std::string& script) {
  std::vector<std::vector<std::string>> commands;
  std::istringstream lines(script);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> words;
    std::istringstream split(line);
    std::string word;
    while (split >> word) {
      if (word == "|" || word == "&&" || word == "||" || word == ";") {
        if (!words.empty()) commands.push_back(words);
        words.clear();
      } else {
        words.push_back(word);
      }
    }
    if (!words.empty()) commands.push_back(words);
  }
  return commands;
}

// `make test`, its output perhaps redirected (`2>&1`); not `make test-unit` nor `make test BUILD=x`.
bool IsMakeTest(const std::vector<std::string>& words) {
  return words.size() >= 2 && words[0] == "make" && words[1] == "test" &&
         std::all_of(words.begin() + 2, words.end(), [](const std::string& word) { return word.find('>') != std::string::npos; });
}

std::string ContainerImage(const YAML::Node& job) {
  YAML::Node container = job["container"];
  if (!container) return "";
  return container.IsScalar() ? container.as<std::string>() : container["image"].as<std::string>("");
}

TEST(WorkflowTest, ATimedDebian12JobRunsMakeTestWithItsCaches) {
  YAML::Node workflow = YAML::LoadFile(SICOOP_WORKFLOWS_DIR "/ci.yml");
  int jobs_running_make_test = 0;
  for (const auto& job_entry : workflow["jobs"]) {
    const YAML::Node& job = job_entry.second;
    bool runs_make_test = false;
    std::vector<std::string> cached_paths;
    for (const auto& step : job["steps"]) {
      if (step["run"]) {
        for (const auto& words : Commands(step["run"].as<std::string>())) runs_make_test |= IsMakeTest(words);
      }
      if (step["uses"] && step["uses"].as<std::string>().starts_with("actions/cache@")) {
        std::istringstream paths(step["with"]["path"].as<std::string>());
        for (std::string path; std::getline(paths, path);) cached_paths.push_back(path);
      }
    }
    if (!runs_make_test) continue;
    ++jobs_running_make_test;
    std::string name = job_entry.first.as<std::string>();
    EXPECT_EQ(ContainerImage(job), "debian:12") << "job " << name;
    EXPECT_GT(job["timeout-minutes"].as<int>(0), 0) << "job " << name << " has no timeout";
    // What setup.sh installs into sicoop's cache (the Spark runtime's venv, the jars, the tools, the
    // venvs of kubernetes-validate and Airflow), Maven's repository and the compiler's cache.
    for (const char* wanted : {"~/.cache/sicoop/venv", "~/.cache/sicoop/jars", "~/.cache/sicoop/tools",
                               "~/.cache/sicoop/kubernetes-validate", "~/.cache/sicoop/airflow-venv",
                               "~/.m2/repository", "~/.cache/ccache"}) {
      EXPECT_TRUE(std::find(cached_paths.begin(), cached_paths.end(), wanted) != cached_paths.end())
          << "job " << name << " does not cache " << wanted;
    }
  }
  EXPECT_EQ(jobs_running_make_test, 1);
}

// A tag can be moved to other code; a commit cannot.
TEST(WorkflowTest, EveryActionIsPinnedByCommit) {
  const std::regex pinned("[-a-zA-Z0-9_./]+@[0-9a-f]{40}");
  for (const auto& file : WorkflowFiles()) {
    YAML::Node workflow = YAML::LoadFile(file.string());
    int actions = 0;
    for (const auto& job : workflow["jobs"]) {
      for (const auto& step : job.second["steps"]) {
        if (!step["uses"]) continue;
        ++actions;
        std::string uses = step["uses"].as<std::string>();
        EXPECT_TRUE(std::regex_match(uses, pinned)) << file << ": " << uses;
      }
    }
    EXPECT_GT(actions, 0) << file;
  }
}

}  // namespace
}  // namespace sicoop::testing
