#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace {

constexpr const char* kUsage = R"(usage: sicoop COMMAND [options]

The card-transaction data lake of SiCooperative: creates and fills the source database and runs the
Spark ETL that writes movimento_flat.csv.

commands:
  db init  --db URL                 create the schema (idempotent)
  db seed  --db URL [options]       fill it with fictitious, deterministic data
  etl      --db URL --output DIR    run the ETL on Spark, write DIR/movimento_flat.csv
  demo     [--output DIR]           everything on a throwaway local PostgreSQL and local Spark
  spark    start|stop|status        a local Spark Connect server kept running between runs

URL is postgresql://USER[:PASSWORD]@HOST[:PORT]/DB or mysql://... (mariadb:// too); without a
password in the URL, SICOOP_DB_PASSWORD supplies it. 'sicoop COMMAND --help' describes each command.
)";

int Dispatch(const std::vector<std::string>& args, const sicoop::Environment& environment) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  std::string command = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "db") return sicoop::cli::RunDb(rest, environment);
  if (command == "etl") return sicoop::cli::RunEtl(rest, environment);
  if (command == "demo") return sicoop::cli::RunDemo(rest, environment);
  if (command == "spark") return sicoop::cli::RunSpark(rest, environment);
  std::cerr << "sicoop: unknown command '" << command << "' (see 'sicoop --help')\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  // Errors are values everywhere below; an exception that still escapes (std::bad_alloc, a library's
  // own) ends the run as a failure. Catching it here unwinds the stack, so the RAII objects that
  // own local servers stop them; what escapes even this aborts, and the SIGABRT cleanup stops them.
  try {
    return Dispatch(std::vector<std::string>(argv + 1, argv + argc), sicoop::Environment::FromProcess());
  } catch (const std::exception& error) {
    std::cerr << "sicoop: internal error: " << error.what() << "\n";
  } catch (...) {
    std::cerr << "sicoop: internal error: an unknown exception\n";
  }
  return 1;
}
