#include "cli/help_catalog.h"

#include <set>
#include <sstream>
#include <utility>

namespace sicoop::cli {
namespace {

// Each variable sicoop reads (common/environment.h) with what it is for.
const std::vector<std::pair<std::string, std::string>> kEnvironmentVariables = {
    {"SICOOP_DB_PASSWORD", "the database password, for a URL without one"},
    {"SICOOP_DB_PASSWORD_FILE", "a file holding that password (read before SICOOP_DB_PASSWORD)"},
    {"SICOOP_CACHE", "sicoop's cache: Spark runtime, JDBC drivers (default: $XDG_CACHE_HOME/sicoop)"},
    {"XDG_CACHE_HOME", "where the cache is when SICOOP_CACHE is unset (default: $HOME/.cache)"},
    {"SICOOP_STATE_DIR", "the local Spark server's state and log (default: the cache's spark-server)"},
    {"SICOOP_SPARK_MEMORY", "the local Spark server's driver memory (default: 4g)"},
    {"SICOOP_JARS", "':'-separated jar files or folders for Spark (default: the cache's JDBC drivers and Iceberg runtime)"},
    {"JAVA_HOME", "the Java runtime Spark runs on (default: the one on PATH)"},
    {"SPARK_HOME", "the Spark runtime (default: the cache's pyspark)"},
    {"USER", "the user name Spark sessions are opened under"},
    {"SICOOP_DB_URL", "the database URL when --db is not given (without a password)"},
    {"SICOOP_SPARK_URL", "the Spark Connect endpoint when --spark is not given"},
    {"SICOOP_OUTPUT", "the output folder when --output is not given"},
    {"SICOOP_LAKE", "the lake's folder when --lake is not given"},
    {"SICOOP_TOKEN_KEY_FILE", "a file holding the secret key of the lake's card-number tokens"},
    {"SICOOP_TOKEN_KEY", "that key itself (read after SICOOP_TOKEN_KEY_FILE)"},
    {"SICOOP_PROFILE", "the profile of the config file when --profile is not given"},
    {"XDG_CONFIG_HOME", "where the user's config file is (default: $HOME/.config)"},
};

// What the commands that read the source database (--db) take from the environment.
const std::vector<std::string> kSourceVariables = {"SICOOP_DB_URL", "SICOOP_DB_PASSWORD", "SICOOP_DB_PASSWORD_FILE"};
const std::vector<std::string> kLocalSparkVariables = {"SICOOP_CACHE", "XDG_CACHE_HOME", "SICOOP_STATE_DIR",
                                                       "SICOOP_SPARK_MEMORY", "SICOOP_JARS", "JAVA_HOME",
                                                       "SPARK_HOME", "USER"};
// What the commands that take --config and --profile read besides their flags (cli/profile.h).
const std::vector<std::string> kProfileVariables = {"SICOOP_PROFILE", "XDG_CONFIG_HOME"};
const std::vector<std::string> kStateVariables = {"SICOOP_CACHE", "XDG_CACHE_HOME", "SICOOP_STATE_DIR"};

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

constexpr const char* kExitStatus =
    "Exit status:\n"
    "  0    success\n"
    "  1    failure (database, Spark, files): the message says what failed and what to do\n"
    "  2    wrong usage: the message names the wrong part\n"
    "  130  interrupted (Ctrl-C)\n";

// Whether `words` is `scope` or one of its subcommands; every command is in scope "".
bool InScope(const std::string& words, const std::string& scope) {
  return scope.empty() || words == scope || words.rfind(scope + " ", 0) == 0;
}

std::string OptionWords(const CommandSpec& spec) {
  std::string words;
  for (const auto& option : spec.options) {
    words += " --" + option.name;
    if (ShortNameOf(option) != 0) words += std::string(" -") + ShortNameOf(option);
  }
  return words + " --help -h";
}

std::string ValueOptionPattern(const CommandSpec& spec) {
  std::string pattern;
  for (const auto& option : spec.options) {
    if (option.value_name.empty()) continue;
    pattern += (pattern.empty() ? "" : "|") + ("--" + option.name);
    if (ShortNameOf(option) != 0) pattern += std::string("|-") + ShortNameOf(option);
  }
  return pattern;
}

std::string Join(const std::vector<std::string>& words) {
  std::string joined;
  for (const auto& word : words) joined += (joined.empty() ? "" : " ") + word;
  return joined;
}

// The completion candidates of every command path: "" (sicoop itself), the groups, "help ...", and
// each command with its options; `value_options` is the pattern of options whose value follows.
struct CompletionCase {
  std::string path;
  std::string words;
  std::string value_options;
};

std::vector<CompletionCase> CompletionCases() {
  std::vector<CompletionCase> cases = {{"", Join(TopLevelWords()) + " help --help -h --version -V", ""},
                                       {"help", Join(TopLevelWords()), ""}};
  for (const auto& group : TopLevelWords()) {
    std::vector<std::string> subcommands = SubcommandWords(group);
    if (subcommands.empty()) continue;
    cases.push_back({group, Join(subcommands) + " --help -h", ""});
    cases.push_back({"help " + group, Join(subcommands), ""});
  }
  for (const auto& entry : Catalog()) {
    cases.push_back({entry.words, OptionWords(entry.spec()), ValueOptionPattern(entry.spec())});
  }
  return cases;
}

std::string BashCompletion() {
  std::ostringstream out;
  out << "# bash completion for sicoop, generated by 'sicoop completion bash' from its option declarations.\n"
         "_sicoop() {\n"
         "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\" command_path=\"\" i\n"
         "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
         "    [[ ${COMP_WORDS[i]} == -* ]] && break\n"
         "    command_path=\"${command_path:+$command_path }${COMP_WORDS[i]}\"\n"
         "  done\n"
         "  local words=\"\"\n"
         "  case \"$command_path\" in\n";
  for (const auto& c : CompletionCases()) {
    out << "    \"" << c.path << "\")\n";
    // After an option that takes a value, nothing is offered and bash completes file names.
    if (!c.value_options.empty()) out << "      case \"$prev\" in " << c.value_options << ") return ;; esac\n";
    out << "      words=\"" << c.words << "\" ;;\n";
  }
  out << "  esac\n"
         "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
         "}\n"
         "complete -o default -F _sicoop sicoop\n";
  return out.str();
}

std::string ZshCompletion() {
  std::ostringstream out;
  out << "#compdef sicoop\n"
         "# zsh completion for sicoop, generated by 'sicoop completion zsh' from its option declarations.\n"
         "_sicoop() {\n"
         "  local -a command_words\n"
         "  local i\n"
         "  for (( i = 2; i < CURRENT; i++ )); do\n"
         "    [[ ${words[i]} == -* ]] && break\n"
         "    command_words+=(\"${words[i]}\")\n"
         "  done\n"
         "  local prev=\"${words[CURRENT-1]}\"\n"
         "  case \"${(j: :)command_words}\" in\n";
  for (const auto& c : CompletionCases()) {
    out << "    \"" << c.path << "\")\n";
    if (!c.value_options.empty()) out << "      case \"$prev\" in " << c.value_options << ") _files; return ;; esac\n";
    out << "      compadd -- " << c.words << " ;;\n";
  }
  out << "  esac\n"
         "}\n"
         "_sicoop \"$@\"\n";
  return out.str();
}

// Text for roff: a backslash and a dash written as roff wants them, and no line starting with a
// control character.
std::string Roff(const std::string& text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
    line_start = c == '\n';
  }
  return out;
}

// `text` on one line: help written across lines for the terminal is refilled by man.
std::string OneLine(const std::string& text) {
  std::string out;
  for (char c : text) {
    bool space = c == ' ' || c == '\n';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  return out;
}

}  // namespace

const std::vector<CatalogEntry>& Catalog() {
  static const std::vector<CatalogEntry> catalog = {
      {"db init",
       DbInitSpec,
       {"sicoop db init --db postgresql://etl@localhost/cooperativa", "sicoop db init --profile staging"},
       Concat(kSourceVariables, kProfileVariables)},
      {"db seed",
       DbSeedSpec,
       {"sicoop db seed --db postgresql://etl@localhost/cooperativa --movimentos 100000 --seed 7",
        "sicoop db seed --profile staging --truncate --json > seeded.json",
        "sicoop db seed --db postgresql://etl@localhost/cooperativa --movimentos 30000 --anomalies 0.1"},
       Concat(kSourceVariables, kProfileVariables)},
      {"etl",
       EtlSpec,
       {"sicoop etl --db postgresql://etl@localhost/cooperativa -o out",
        "SICOOP_DB_PASSWORD_FILE=~/.sicoop-password sicoop etl --db mysql://etl@db.example/cooperativa --output out "
        "--delimiter ';'",
        "sicoop etl --db postgresql://etl@localhost/cooperativa -o out --lake /data/lake --token-key-file "
        "~/.sicoop-token.key",
        "sicoop etl --profile prod -o out --excel-br"},
       Concat(Concat(kSourceVariables, kProfileVariables),
              Concat({"SICOOP_SPARK_URL", "SICOOP_OUTPUT", "SICOOP_LAKE", "SICOOP_TOKEN_KEY_FILE", "SICOOP_TOKEN_KEY"},
                     kLocalSparkVariables))},
      {"lake ingest",
       LakeIngestSpec,
       {"SICOOP_TOKEN_KEY_FILE=~/.sicoop-token.key sicoop lake ingest --db postgresql://etl@localhost/cooperativa "
        "--lake /data/lake"},
       Concat(Concat(kSourceVariables, kProfileVariables),
              Concat({"SICOOP_SPARK_URL", "SICOOP_LAKE", "SICOOP_TOKEN_KEY_FILE", "SICOOP_TOKEN_KEY"}, kLocalSparkVariables))},
      {"lake build",
       LakeBuildSpec,
       {"sicoop lake build --lake /data/lake"},
       Concat(kProfileVariables, Concat({"SICOOP_SPARK_URL", "SICOOP_LAKE"}, kLocalSparkVariables))},
      {"lake export",
       LakeExportSpec,
       {"sicoop lake export --lake /data/lake -o out --excel-br"},
       Concat(kProfileVariables, Concat({"SICOOP_SPARK_URL", "SICOOP_LAKE", "SICOOP_OUTPUT"}, kLocalSparkVariables))},
      {"lake show",
       LakeShowSpec,
       {"sicoop lake show --lake /data/lake", "sicoop lake show --lake /data/lake --json --runs 20"},
       Concat(kProfileVariables, Concat({"SICOOP_SPARK_URL", "SICOOP_LAKE"}, kLocalSparkVariables))},
      {"lake verify",
       LakeVerifySpec,
       {"sicoop lake verify --db postgresql://etl@localhost/cooperativa --lake /data/lake",
        "sicoop lake verify --profile prod --json > verify.json || echo 'the lake differs from the source'"},
       Concat(Concat(kSourceVariables, kProfileVariables), Concat({"SICOOP_SPARK_URL", "SICOOP_LAKE"}, kLocalSparkVariables))},
      {"report member",
       ReportMemberSpec,
       {"sicoop report member --lake /data/lake --associado 42 -o reports",
        "sicoop report member --lake /data/lake --associado 42 --from 2024-01 --to 2024-06 -o reports"},
       Concat(kProfileVariables, Concat({"SICOOP_SPARK_URL", "SICOOP_LAKE"}, kLocalSparkVariables))},
      {"report members",
       ReportMembersSpec,
       {"sicoop report members --lake /data/lake --month 2024-03 -o reports/2024-03 --jobs 4"},
       Concat(kProfileVariables, Concat({"SICOOP_SPARK_URL", "SICOOP_LAKE"}, kLocalSparkVariables))},
      {"demo", DemoSpec, {"sicoop demo -o out --movimentos 20000"}, kLocalSparkVariables},
      {"spark start", SparkStartSpec, {"sicoop spark start --memory 8g"}, kLocalSparkVariables},
      {"spark stop", SparkStopSpec, {"sicoop spark stop"}, kStateVariables},
      {"spark status", SparkStatusSpec, {"sicoop spark status"}, kStateVariables},
      {"doctor",
       DoctorSpec,
       {"sicoop doctor", "sicoop doctor --db postgresql://etl@localhost/cooperativa --spark sc://localhost:15002"},
       Concat(Concat(kSourceVariables, kProfileVariables), Concat({"SICOOP_SPARK_URL"}, kLocalSparkVariables))},
  };
  return catalog;
}

std::vector<std::string> TopLevelWords() {
  std::vector<std::string> words;
  for (const auto& entry : Catalog()) {
    std::string first = entry.words.substr(0, entry.words.find(' '));
    if (words.empty() || words.back() != first) words.push_back(first);
  }
  return words;
}

std::vector<std::string> SubcommandWords(const std::string& group) {
  std::vector<std::string> words;
  for (const auto& entry : Catalog()) {
    if (entry.words.rfind(group + " ", 0) == 0) words.push_back(entry.words.substr(group.size() + 1));
  }
  return words;
}

std::string HelpSections(const std::string& words) {
  std::string examples;
  std::set<std::string> read;
  for (const auto& entry : Catalog()) {
    if (!InScope(entry.words, words)) continue;
    for (const auto& example : entry.examples) examples += "  " + example + "\n";
    read.insert(entry.environment.begin(), entry.environment.end());
  }
  std::string environment;
  for (const auto& [name, meaning] : kEnvironmentVariables) {
    if (read.count(name) == 0) continue;
    environment += "  " + name + std::string(name.size() < 25 ? 25 - name.size() : 1, ' ') + meaning + "\n";
  }
  std::string sections = "\nExamples:\n" + examples;
  if (!environment.empty()) sections += "\nEnvironment:\n" + environment;
  return sections + "\n" + kExitStatus;
}

std::string HelpPage(const CommandSpec& spec) {
  for (const auto& entry : Catalog()) {
    if (&entry.spec() == &spec) return HelpText(spec) + HelpSections(entry.words);
  }
  // A command missing from the catalog still shows what it accepts and how it exits.
  return HelpText(spec) + "\n" + kExitStatus;
}

std::string VersionText() {
  return std::string("sicoop ") + SICOOP_VERSION + "\n" +
         "Spark " SICOOP_SPARK_VERSION " (the runtime the Spark Connect client was built against)\n"
         "PostgreSQL JDBC driver " SICOOP_POSTGRESQL_JDBC_VERSION "\n"
         "MySQL Connector/J " SICOOP_MYSQL_JDBC_VERSION "\n"
         "Apache Iceberg " SICOOP_ICEBERG_VERSION "\n";
}

std::string CompletionScript(const std::string& shell) {
  if (shell == "bash") return BashCompletion();
  if (shell == "zsh") return ZshCompletion();
  return "";
}

std::string ManPage() {
  std::ostringstream out;
  out << ".TH SICOOP 1 \"\" \"sicoop " SICOOP_VERSION "\" \"User Commands\"\n"
      << ".nh\n"  // no hyphenation: option names are copied from the page
      << ".SH NAME\nsicoop \\- the card-transaction data lake of SiCooperative\n"
      << ".SH SYNOPSIS\n";
  for (const auto& entry : Catalog()) out << Roff(entry.spec().usage) << "\n.br\n";
  out << ".SH DESCRIPTION\nCreates and fills the source database and runs the Spark ETL that writes "
         "movimento_flat.csv. \\fBsicoop help\\fR \\fICOMMAND\\fR shows the page of one command.\n";
  out << ".SH COMMANDS\n";
  for (const auto& entry : Catalog()) {
    const CommandSpec& spec = entry.spec();
    out << ".SS \"sicoop " << Roff(entry.words) << "\"\n" << Roff(OneLine(spec.summary)) << "\n";
    for (const auto& option : spec.options) {
      out << ".TP\n";
      if (ShortNameOf(option) != 0) out << "\\fB\\-" << ShortNameOf(option) << "\\fR, ";
      out << "\\fB\\-\\-" << Roff(option.name) << "\\fR";
      if (!option.value_name.empty()) out << " \\fI" << Roff(option.value_name) << "\\fR";
      out << "\n" << Roff(OneLine(option.help));
      if (!option.default_value.empty()) out << " (default: " << Roff(option.default_value) << ")";
      if (option.required) out << " (required)";
      out << "\n";
    }
  }
  out << ".SH EXAMPLES\n";
  for (const auto& entry : Catalog()) {
    for (const auto& example : entry.examples) out << ".PP\n.nf\n" << Roff(example) << "\n.fi\n";
  }
  out << ".SH ENVIRONMENT\n";
  for (const auto& [name, meaning] : kEnvironmentVariables) out << ".TP\n.B " << name << "\n" << Roff(meaning) << "\n";
  out << ".SH EXIT STATUS\n";
  std::istringstream lines(kExitStatus);
  std::string line;
  std::getline(lines, line);  // the heading, which .SH gave
  while (std::getline(lines, line)) {
    size_t code_end = line.find_first_not_of("0123456789", 2);
    out << ".TP\n.B " << line.substr(2, code_end - 2) << "\n" << Roff(line.substr(line.find_first_not_of(' ', code_end))) << "\n";
  }
  return out.str();
}

}  // namespace sicoop::cli
