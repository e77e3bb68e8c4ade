// What sicoop says about itself, run as a user runs it: `help COMMAND`, the closing sections of every
// --help page, --version against scripts/versions.env, and the completion scripts and man page,
// checked against the declarations the parser uses (cli/help_catalog.h). No server is needed.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cli/help_catalog.h"
#include "support/files.h"
#include "support/run_sicoop.h"

namespace sicoop::testing {
namespace {

std::vector<std::string> Words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

// Every help page: sicoop's, each group's and each command's.
std::vector<std::vector<std::string>> HelpPages() {
  std::vector<std::vector<std::string>> pages = {{}, {"db"}, {"spark"}};
  for (const auto& entry : cli::Catalog()) pages.push_back(Words(entry.words));
  return pages;
}

std::string Joined(const std::vector<std::string>& words) {
  std::string joined = "sicoop";
  for (const auto& word : words) joined += " " + word;
  return joined;
}

std::string Stdout(std::vector<std::string> args) {
  SplitRunResult run = RunSicoopSplit(args);
  EXPECT_EQ(run.exit_code, 0) << Joined(args) << ": " << run.err;
  EXPECT_EQ(run.err, "") << Joined(args);
  return run.out;
}

TEST(HelpCommandTest, HelpCommandShowsThePageOfThatCommand) {
  for (auto words : HelpPages()) {
    std::vector<std::string> help = {"help"};
    help.insert(help.end(), words.begin(), words.end());
    words.push_back("--help");
    std::string page = Stdout(words);
    EXPECT_EQ(Stdout(help), page) << Joined(help);
    EXPECT_NE(page.find("usage: sicoop"), std::string::npos) << page;
  }
  EXPECT_NE(Stdout({"help", "etl"}).find("usage: sicoop etl "), std::string::npos);
  EXPECT_NE(Stdout({"help", "db", "init"}).find("usage: sicoop db init "), std::string::npos);
}

TEST(HelpPagesTest, EveryPageEndsWithExamplesEnvironmentAndExitStatus) {
  for (auto words : HelpPages()) {
    std::string name = Joined(words);
    words.push_back("--help");
    std::string page = Stdout(words);
    size_t examples = page.find("\nExamples:\n");
    size_t environment = page.find("\nEnvironment:\n");
    size_t exit_status = page.find("\nExit status:\n");
    ASSERT_NE(examples, std::string::npos) << name << ":\n" << page;
    ASSERT_NE(environment, std::string::npos) << name << ":\n" << page;
    ASSERT_NE(exit_status, std::string::npos) << name << ":\n" << page;
    EXPECT_LT(examples, environment) << name;
    EXPECT_LT(environment, exit_status) << name;
    // Each example is a command line of the page's command.
    std::istringstream lines(page.substr(examples + 11, environment - examples - 11));
    int example_count = 0;
    for (std::string line; std::getline(lines, line);) {
      if (line.empty()) continue;
      ++example_count;
      EXPECT_NE((line + " ").find(name + " "), std::string::npos) << name << " example: " << line;
    }
    EXPECT_GE(example_count, 1) << name;
    std::string exit_codes = page.substr(exit_status);
    for (const char* code : {"\n  0 ", "\n  1 ", "\n  2 ", "\n  130 "}) {
      EXPECT_NE(exit_codes.find(code), std::string::npos) << name << " lacks exit code" << code;
    }
  }
}

// A command's page names the source's variables (its URL, its password) when, and only when, the
// command reads the source: has a --db option. (The pages of a group of commands, without options
// of their own, name what any of them reads.)
TEST(HelpPagesTest, TheSourcesVariablesAreOnThePagesOfTheCommandsThatReadIt) {
  for (auto words : HelpPages()) {
    std::string name = Joined(words);
    words.push_back("--help");
    std::string page = Stdout(words);
    if (page.find("\noptions:\n") == std::string::npos) continue;
    const size_t environment = page.find("\nEnvironment:\n");
    ASSERT_NE(environment, std::string::npos) << name;
    const std::string variables = page.substr(environment, page.find("\nExit status:\n") - environment);
    const bool reads_the_source = page.find("\n  --db URL") != std::string::npos;
    for (const char* variable : {"SICOOP_DB_URL", "SICOOP_DB_PASSWORD ", "SICOOP_DB_PASSWORD_FILE"}) {
      EXPECT_EQ(variables.find(std::string("\n  ") + variable) != std::string::npos, reads_the_source)
          << name << (reads_the_source ? " lacks " : " names ") << variable << ":\n" << variables;
    }
  }
}

// The Excel preset is found where a spreadsheet user looks first: among etl's examples.
TEST(HelpPagesTest, TheEtlPageShowsTheExcelPresetInAnExample) {
  std::string page = Stdout({"etl", "--help"});
  size_t examples = page.find("\nExamples:\n");
  ASSERT_NE(examples, std::string::npos) << page;
  EXPECT_NE(page.find("\n  sicoop etl --profile prod -o out --excel-br\n", examples), std::string::npos) << page;
}

TEST(HelpPagesTest, TheTopLevelPageNamesHelpVersionCompletionAndMan) {
  std::string page = Stdout({"--help"});
  for (const char* mention : {"'sicoop help COMMAND'", "'sicoop --version'", "'sicoop completion bash|zsh'",
                              "'sicoop man'"}) {
    EXPECT_NE(page.find(mention), std::string::npos) << mention << " missing:\n" << page;
  }
}

// A command added to the top-level list without a catalog row would miss its page's sections, its
// completion and its man entry.
TEST(HelpPagesTest, EveryListedCommandIsInTheCatalog) {
  std::string page = Stdout({"--help"});
  size_t list = page.find("\ncommands:\n");
  ASSERT_NE(list, std::string::npos) << page;
  std::istringstream lines(page.substr(list + 11, page.find("\n\n", list + 11) - list - 11));
  std::vector<std::string> catalog = cli::TopLevelWords();
  int listed = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("   ", 0) == 0) continue;  // a description's second line
    std::string command = Words(line).at(0);
    ++listed;
    EXPECT_NE(std::find(catalog.begin(), catalog.end(), command), catalog.end()) << command << " has no catalog row";
  }
  EXPECT_EQ(listed, 8) << "db init, db seed, etl, lake, report, demo, spark, doctor";
}

TEST(HelpPagesTest, EachCommandListsTheVariablesItReads) {
  std::string etl = Stdout({"etl", "--help"});
  for (const char* variable : {"SICOOP_DB_PASSWORD", "SICOOP_DB_PASSWORD_FILE", "SICOOP_CACHE", "SICOOP_STATE_DIR",
                               "SICOOP_SPARK_MEMORY", "SICOOP_JARS", "JAVA_HOME", "SPARK_HOME"}) {
    EXPECT_NE(etl.find("\n  " + std::string(variable) + " "), std::string::npos) << variable << " missing:\n" << etl;
  }
  // db init reads the password variables and nothing of Spark's.
  std::string init = Stdout({"db", "init", "--help"});
  EXPECT_NE(init.find("\n  SICOOP_DB_PASSWORD "), std::string::npos) << init;
  EXPECT_EQ(init.find("SPARK_HOME"), std::string::npos) << init;
}

// KEY=VALUE lines of scripts/versions.env.
std::map<std::string, std::string> PinnedVersions() {
  std::ifstream in(std::string(SICOOP_SOURCE_DIR) + "/scripts/versions.env");
  std::map<std::string, std::string> pinned;
  for (std::string line; std::getline(in, line);) {
    size_t equals = line.find('=');
    if (line.empty() || line[0] == '#' || equals == std::string::npos) continue;
    pinned[line.substr(0, equals)] = line.substr(equals + 1);
  }
  return pinned;
}

TEST(VersionTest, NamesSicoopSparkTheJdbcDriversAndIcebergAsPinned) {
  std::map<std::string, std::string> pinned = PinnedVersions();
  ASSERT_FALSE(pinned["PYSPARK_VERSION"].empty());
  ASSERT_FALSE(pinned["POSTGRESQL_JDBC_VERSION"].empty());
  ASSERT_FALSE(pinned["MYSQL_JDBC_VERSION"].empty());
  ASSERT_FALSE(pinned["ICEBERG_VERSION"].empty());
  for (const char* flag : {"--version", "-V"}) {
    std::vector<std::string> lines;
    std::istringstream out(Stdout({flag}));
    for (std::string line; std::getline(out, line);) lines.push_back(line);
    ASSERT_EQ(lines.size(), 5u) << flag;
    EXPECT_EQ(lines[0], "sicoop " SICOOP_PROJECT_VERSION);
    EXPECT_EQ(lines[1].rfind("Spark " + pinned["PYSPARK_VERSION"] + " ", 0), 0u) << lines[1];
    EXPECT_EQ(lines[2], "PostgreSQL JDBC driver " + pinned["POSTGRESQL_JDBC_VERSION"]);
    EXPECT_EQ(lines[3], "MySQL Connector/J " + pinned["MYSQL_JDBC_VERSION"]);
    EXPECT_EQ(lines[4], "Apache Iceberg " + pinned["ICEBERG_VERSION"]);
  }
}

// Whether `word` stands alone in `script`, as a candidate in a list between quotes or spaces does.
bool Offers(std::string script, const std::string& word) {
  for (char& c : script) c = c == '"' || c == '\n' ? ' ' : c;
  return script.find(" " + word + " ") != std::string::npos;
}

// What the declarations hold: every command word and every option.
std::vector<std::string> DeclaredWords() {
  std::vector<std::string> words;
  for (const auto& entry : cli::Catalog()) {
    for (const auto& word : Words(entry.words)) words.push_back(word);
    for (const auto& option : entry.spec().options) words.push_back("--" + option.name);
  }
  return words;
}

// `text` in a file of a folder of the test's own, removed with the object.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& text)
      : folder_(MakeTestFolder("sicoop-help")), path_((folder_ / name).string()) {
    std::ofstream(path_) << text;
  }
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove_all(folder_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::filesystem::path folder_;
  std::string path_;
};

TEST(CompletionTest, BashScriptIsValidAndOffersEveryDeclaredWord) {
  std::string script = Stdout({"completion", "bash"});
  EXPECT_EQ(script, cli::CompletionScript("bash"));
  for (const auto& word : DeclaredWords()) {
    EXPECT_TRUE(Offers(script, word)) << word << " not offered";
  }
  TempFile file("sicoop.bash", script);
  const std::string& path = file.path();
  RunResult syntax = RunCommand({"bash", "-n", path});
  EXPECT_EQ(syntax.exit_code, 0) << syntax.output;
  // Completed as bash would: the candidates for what the user has typed so far.
  auto complete = [&path](const std::string& line) {
    RunResult run = RunCommand({"bash", "-c",
                                "source '" + path + "'; COMP_WORDS=(" + line + "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); "
                                "_sicoop; echo \"${COMPREPLY[*]}\""});
    EXPECT_EQ(run.exit_code, 0) << run.output;
    return run.output;
  };
  EXPECT_EQ(complete("sicoop e"), "etl\n");
  EXPECT_EQ(complete("sicoop db s"), "seed\n");
  EXPECT_EQ(complete("sicoop etl --db URL --ou"), "--output\n");
  EXPECT_EQ(complete("sicoop help sp"), "spark\n");
  EXPECT_EQ(complete("sicoop etl --output ''"), "\n");  // a folder follows: bash completes file names
}

TEST(CompletionTest, ZshScriptOffersEveryDeclaredWord) {
  std::string script = Stdout({"completion", "zsh"});
  EXPECT_EQ(script.rfind("#compdef sicoop\n", 0), 0u);
  for (const auto& word : DeclaredWords()) {
    EXPECT_TRUE(Offers(script, word)) << word << " not offered";
  }
  // zsh itself checks the syntax where it is installed (it is not a build dependency).
  if (RunCommand({"sh", "-c", "command -v zsh"}).exit_code == 0) {
    RunResult syntax = RunCommand({"zsh", "-n", TempFile("_sicoop", script).path()});
    EXPECT_EQ(syntax.exit_code, 0) << syntax.output;
  }
}

TEST(ManPageTest, RendersWithManAndDescribesEveryDeclaredWord) {
  std::string page = Stdout({"man"});
  EXPECT_EQ(page.rfind(".TH SICOOP 1 ", 0), 0u) << page.substr(0, 80);
  TempFile file("sicoop.1", page);
  const std::string& path = file.path();
  // groff -ww warns of every roff mistake; -z renders without printing.
  RunResult lint = RunCommand({"groff", "-man", "-ww", "-z", path});
  EXPECT_EQ(lint.exit_code, 0) << lint.output;
  EXPECT_EQ(lint.output, "");
  RunResult rendered = RunCommand({"man", "-l", path}, {{"MANWIDTH", "200"}, {"MANPAGER", "cat"}, {"PAGER", "cat"}});
  ASSERT_EQ(rendered.exit_code, 0) << rendered.output;
  for (const auto& word : DeclaredWords()) {
    EXPECT_NE(rendered.output.find(word), std::string::npos) << word << " not in the rendered page";
  }
  for (const char* section : {"NAME", "SYNOPSIS", "COMMANDS", "EXAMPLES", "ENVIRONMENT", "EXIT STATUS"}) {
    EXPECT_NE(rendered.output.find(std::string("\n") + section + "\n"), std::string::npos) << section;
  }
}

std::string FileText(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(ShareFilesTest, TheBuildWritesWhatTheCommandsPrintWhereShellsAndManLook) {
  const std::string share = SICOOP_SHARE_DIR;
  EXPECT_EQ(FileText(share + "/bash-completion/completions/sicoop"), Stdout({"completion", "bash"}));
  EXPECT_EQ(FileText(share + "/zsh/site-functions/_sicoop"), Stdout({"completion", "zsh"}));
  EXPECT_EQ(FileText(share + "/man/man1/sicoop.1"), Stdout({"man"}));
}

}  // namespace
}  // namespace sicoop::testing
