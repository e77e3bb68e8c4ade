#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/help_catalog.h"
#include "cli/lake_run.h"
#include "local/runtime.h"
#include "cli/options.h"
#include "db/connection.h"
#include "db/schema.h"
#include "local/local_postgres.h"
#include "pipeline/csv_output.h"
#include "seed/seed.h"

namespace sicoop::cli {
namespace {

const CommandSpec kDemoSpec = {
    "sicoop demo [--output DIR] [options]",
    "Everything on an embedded default: starts a throwaway local PostgreSQL, creates the schema, fills\n"
    "it with fictitious data, runs the ETL on a local Spark through a fresh local lake (in sicoop's\n"
    "cache: demo-lake) and writes DIR/movimento_flat.csv.",
    {
        {"output", "DIR", "folder for movimento_flat.csv", "out"},
        {"movimentos", "N", "fictitious transactions to generate", "5000"},
        {"seed", "S", "seed of the fictitious data (same seed, same file)", "1"},
    }};

Status Demo(const std::vector<std::string>& args, const Environment& environment) {
  SICOOP_ASSIGN_OR_RETURN(std::optional<ParsedOptions> given, ParseOrShowHelp(kDemoSpec, args));
  if (!given) return Status::Ok();
  const ParsedOptions& parsed = *given;
  SICOOP_ASSIGN_OR_RETURN(int64_t movimentos, parsed.GetInt("movimentos", 0, 100000000));
  SICOOP_ASSIGN_OR_RETURN(int64_t seed, parsed.GetInt("seed", 0, INT64_MAX));
  SICOOP_RETURN_IF_ERROR(pipeline::ValidateOutputDir(parsed.Get("output")));
  auto start = std::chrono::steady_clock::now();

  std::cerr << "sicoop demo: starting a throwaway PostgreSQL\n";
  SICOOP_ASSIGN_OR_RETURN(auto postgres, local::LocalPostgres::Start());
  SICOOP_ASSIGN_OR_RETURN(db::DbUrl url, db::ParseDbUrl(postgres->url()));
  SICOOP_ASSIGN_OR_RETURN(auto connection, db::Connect(url));
  SICOOP_RETURN_IF_ERROR(db::InitSchema(*connection));
  seed::SeedOptions seed_options;
  seed_options.movimentos = movimentos;
  seed_options.seed = static_cast<uint64_t>(seed);
  std::cerr << "sicoop demo: generating " << movimentos << " fictitious movimentos\n";
  SICOOP_ASSIGN_OR_RETURN(auto seeded, seed::Seed(*connection, seed_options));
  (void)seeded;

  // The demo's lake and token key are sicoop's own, in its cache: the lake starts afresh with each
  // throwaway database, and the key stays.
  const std::filesystem::path cache = local::CacheDir(environment);
  LakeRunOptions options;
  options.command = "demo";
  const std::filesystem::path lake = cache / "demo-lake";
  options.lake = storage::Location::Local(lake);
  std::error_code error;
  std::filesystem::remove_all(lake, error);
  if (error) return Status::Failure("cannot clear the demo's lake " + lake.string() + ": " + error.message());
  const std::filesystem::path key_file = cache / "demo-token.key";
  if (!std::filesystem::exists(key_file, error)) SICOOP_RETURN_IF_ERROR(lake::CardTokenKey::CreateFile(key_file));
  SICOOP_ASSIGN_OR_RETURN(options.token_key, lake::CardTokenKey::FromFile(key_file));
  options.source = url;
  options.build = true;
  options.output = storage::Location::Local(parsed.Get("output"));
  std::cerr << "sicoop demo: running the ETL on a local Spark Connect server, through the lake " << lake.string()
            << "\n";
  SICOOP_RETURN_IF_ERROR(RunLakeAndReport(options, std::nullopt, environment, ReportOptions{}));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("demo finished in %.1f s\n", seconds);
  return Status::Ok();
}

}  // namespace

const CommandSpec& DemoSpec() { return kDemoSpec; }

int RunDemo(const std::vector<std::string>& args, const Environment& environment) {
  return ExitStatusOf(Demo(args, environment), "sicoop demo");
}

}  // namespace sicoop::cli
