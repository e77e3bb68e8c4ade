#include <cstring>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/help_catalog.h"
#include "db/password_source.h"

namespace {

constexpr const char* kUsage = R"(usage: sicoop COMMAND [options]

The card-transaction data lake of SiCooperative: creates and fills the source database and runs the
Spark ETL that lands it in an Iceberg lake and writes movimento_flat.csv.

commands:
  db init  --db URL                 create the schema (idempotent)
  db seed  --db URL [options]       fill it with fictitious, deterministic data
  etl      --db URL --output DIR    run the ETL on Spark, write DIR/movimento_flat.csv (--lake PATH:
                                    through the lake: ingest, build, export)
  lake     ingest|build|export|show|verify   the lake's phases one at a time; what it holds; reconcile
  report   member|members           members' HTML reports from the lake: one member, or a month's batch
  demo     [--output DIR]           everything on a throwaway local PostgreSQL and local Spark
  spark    start|stop|status        a local Spark Connect server kept running between runs
  doctor   [--db URL] [--spark URL] check Java, Spark, the JDBC jars, the profile, the endpoints

URL is postgresql://USER[:PASSWORD]@HOST[:PORT]/DB or mysql://... (mariadb:// too). A password in
the URL is seen by other local users while sicoop starts; without one, the password is read from the
file --db-password-file names, else from the file SICOOP_DB_PASSWORD_FILE names, else from
SICOOP_DB_PASSWORD. TLS: ?sslmode=verify-full&sslrootcert=CA.pem (PostgreSQL's words) or
?ssl-mode=VERIFY_IDENTITY&ssl-ca=CA.pem (MySQL's).

'sicoop help COMMAND' (or 'sicoop COMMAND --help') describes each command; 'sicoop --version' names
the versions; 'sicoop completion bash|zsh' and 'sicoop man' print shell completion and the man page.
)";

// The commands that print what packagers install: `completion bash|zsh` and `man`.
int PrintGenerated(const std::string& command, const std::vector<std::string>& rest) {
  std::string text = command == "man" ? (rest.empty() ? sicoop::cli::ManPage() : "")
                                      : (rest.size() == 1 ? sicoop::cli::CompletionScript(rest[0]) : "");
  if (text.empty()) {
    return sicoop::cli::ExitStatusOf(
        sicoop::Status::Usage(command == "man" ? "man takes no arguments" : "completion needs one shell: bash or zsh"),
        "sicoop");
  }
  std::cout << text;
  return 0;
}

int Dispatch(const std::vector<std::string>& args, const sicoop::Environment& environment) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args == std::vector<std::string>{"help"}) {
    std::cout << kUsage << sicoop::cli::HelpSections("");
    return args.empty() ? 2 : 0;
  }
  std::string command = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "help") {
    // "help etl" is "etl --help", "help db init" is "db init --help".
    rest.push_back("--help");
    return Dispatch(rest, environment);
  }
  if (command == "--version" || command == "-V") {
    std::cout << sicoop::cli::VersionText();
    return 0;
  }
  if (command == "completion" || command == "man") return PrintGenerated(command, rest);
  if (command == "db") return sicoop::cli::RunDb(rest, environment);
  if (command == "etl") return sicoop::cli::RunEtl(rest, environment);
  if (command == "lake") return sicoop::cli::RunLake(rest, environment);
  if (command == "report") return sicoop::cli::RunReport(rest, environment);
  if (command == "demo") return sicoop::cli::RunDemo(rest, environment);
  if (command == "spark") return sicoop::cli::RunSpark(rest, environment);
  if (command == "doctor") return sicoop::cli::RunDoctor(rest, environment);
  std::vector<std::string> known = sicoop::cli::TopLevelWords();
  known.push_back("help");
  std::optional<std::string> nearest = sicoop::cli::NearestOf(command, known);
  return sicoop::cli::ExitStatusOf(
      sicoop::Status::Usage("unknown command '" + command + "'" + (nearest ? ": did you mean '" + *nearest + "'?" : "")),
      "sicoop");
}

// Overwrites, in this process's own argument memory, the password of every database URL and the
// token of every Spark Connect URL (sc://...;token=...) given as an argument (alone or as
// --option=URL), as the mysql client does: /proc/PID/cmdline and `ps` show that memory to every
// local user for as long as the process runs.
void HidePasswordsFromProcessListings(int argc, char** argv) {
  constexpr const char* kToken = ";token=";
  for (int i = 1; i < argc; ++i) {
    char* text = argv[i];
    if (std::strncmp(text, "--", 2) == 0 && std::strchr(text, '=') != nullptr) text = std::strchr(text, '=') + 1;
    if (auto password = sicoop::db::UrlPasswordSpan(text)) std::memset(text + password->offset, '*', password->length);
    if (std::strncmp(text, "sc://", 5) != 0) continue;
    for (char* token = std::strstr(text, kToken); token != nullptr; token = std::strstr(token, kToken)) {
      token += std::strlen(kToken);
      std::memset(token, '*', std::strcspn(token, ";"));
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Errors are values everywhere below; an exception that still escapes (std::bad_alloc, a library's
  // own) ends the run as a failure. Catching it here unwinds the stack, so the RAII objects that
  // own local servers stop them; what escapes even this aborts, and the SIGABRT cleanup stops them.
  try {
    std::vector<std::string> args(argv + 1, argv + argc);
    HidePasswordsFromProcessListings(argc, argv);
    return Dispatch(args, sicoop::Environment::FromProcess());
  } catch (const std::exception& error) {
    std::cerr << "sicoop: internal error: " << error.what() << "\n";
  } catch (...) {
    std::cerr << "sicoop: internal error: an unknown exception\n";
  }
  return 1;
}
