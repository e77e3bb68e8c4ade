// sicoop db init|seed: wires the command line to src/db.
#include <unistd.h>

#include <charconv>
#include <cstdio>

#include "cli/commands.h"
#include "cli/help_catalog.h"
#include "cli/db_timeout.h"
#include "cli/options.h"
#include "cli/profile.h"
#include "cli/source_database.h"
#include "common/json.h"
#include "db/connection.h"
#include "db/schema.h"
#include "seed/seed.h"

namespace sicoop::cli {
namespace {

constexpr const char* kDbHelp =
    "postgresql://USER[:PASSWORD]@HOST[:PORT]/DB or mysql://... (mariadb:// too) (required; or SICOOP_DB_URL, or the "
    "profile's db)";

const CommandSpec kInitSpec = {
    "sicoop db init --db URL",
    "Creates the source schema (associado, conta, cartao, movimento, their keys and indexes) where it\n"
    "is missing; running it again changes nothing.",
    {{"db", "URL", kDbHelp, ""},
     DbPasswordFileOption(),
     kDbTimeoutOption,
     ConfigOption(),
     ProfileOption(),
     {"json", "", "print the result as one JSON object (docs/schemas/db-init.schema.json)", ""}}};

const CommandSpec kSeedSpec = {
    "sicoop db seed --db URL [options]",
    "Fills the schema with a fictitious cooperative (members, accounts, cards, card transactions),\n"
    "deterministic for a given --seed, through the database's bulk path, in one transaction.",
    {
        {"db", "URL", kDbHelp, ""},
        DbPasswordFileOption(),
        kDbTimeoutOption,
        ConfigOption(),
        ProfileOption(),
        {"movimentos", "N", "card transactions to add (default: 50 per member, 5000 without --associados)", ""},
        {"associados", "N", "members to add (default: movimentos / 200, at least 100)", ""},
        {"seed", "S", "seed of the fictitious data: same seed, same rows", "1"},
        {"from", "YYYY-MM-DD", "first day of the transactions", "2024-01-01"},
        {"to", "YYYY-MM-DD", "last day of the transactions (inclusive)", "2024-12-31"},
        {"batch", "N", "rows per generated chunk sent to the server", "20000"},
        {"append", "", "add to existing rows, ids continuing after each table's largest", ""},
        {"truncate", "", "empty the four tables first (and movimento_anomalia, when present)", ""},
        {"anomalies", "SHARE",
         "share of the cards (0 to 0.5) that get one labelled fraud-like scenario each, labels in table "
         "movimento_anomalia (0: none)",
         "0"},
        {"json", "", "print the result as one JSON object (docs/schemas/db-seed.schema.json)", ""},
    }};

constexpr const char* kDbUsage =
    "usage: sicoop db init --db URL\n"
    "       sicoop db seed --db URL [options]\n"
    "'sicoop db init --help' and 'sicoop db seed --help' describe the options.\n";

Result<std::unique_ptr<db::Connection>> ConnectTo(ParsedOptions& parsed, const Environment& environment) {
  SICOOP_RETURN_IF_ERROR(ApplyProfile(parsed, environment, {"db"}, {"db"}));
  SICOOP_ASSIGN_OR_RETURN(db::DbUrl url, SourceDatabase(parsed, environment));
  SICOOP_RETURN_IF_ERROR(ApplyDbTimeout(parsed, url));
  WarnOfAPasswordOnTheCommandLine(parsed);
  return db::Connect(url);
}

Status Init(const std::vector<std::string>& args, const Environment& environment) {
  SICOOP_ASSIGN_OR_RETURN(std::optional<ParsedOptions> given, ParseOrShowHelp(kInitSpec, args));
  if (!given) return Status::Ok();
  ParsedOptions& parsed = *given;
  SICOOP_ASSIGN_OR_RETURN(auto connection, ConnectTo(parsed, environment));
  SICOOP_RETURN_IF_ERROR(db::InitSchema(*connection));
  if (parsed.Has("json")) {
    std::printf("{\"schema_version\":1,\"source\":%s,\"tables\":[\"associado\",\"conta\",\"cartao\",\"movimento\"]}\n",
                JsonString(connection->url().Redacted()).c_str());
  } else {
    std::printf("schema ready in %s\n", connection->Describe().c_str());
  }
  return Status::Ok();
}

Result<std::optional<int64_t>> OptionalCount(const ParsedOptions& parsed, const std::string& name, int64_t max) {
  if (!parsed.Has(name)) return std::optional<int64_t>();
  SICOOP_ASSIGN_OR_RETURN(int64_t value, parsed.GetInt(name, 0, max));
  return std::optional<int64_t>(value);
}

// --anomalies as a number; CheckSeedOptions checks its range.
Result<double> AnomalyShare(const ParsedOptions& parsed) {
  std::string text = parsed.Get("anomalies");
  double share = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), share);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return Status::Usage("--anomalies must be a share of the cards from 0 to 0.5, like 0.05, not '" + text + "'");
  }
  return share;
}

// Progress on stderr, redrawn in place at most five times a second.
void ShowProgress(const seed::SeedProgress& progress) {
  static double last_shown = -1;
  static std::string last_table;
  if (progress.rows_total == 0) {
    std::fprintf(stderr, "\r\033[Kseeding: %s\n", progress.table.c_str());
    return;
  }
  bool done = progress.rows_done == progress.rows_total;
  if (!done && progress.table == last_table && progress.seconds - last_shown < 0.2) return;
  last_shown = progress.seconds;
  last_table = progress.table;
  std::fprintf(stderr, "\r\033[Kseeding %s: %lld/%lld rows (%.0f rows/s overall)%s", progress.table.c_str(),
               static_cast<long long>(progress.rows_done), static_cast<long long>(progress.rows_total),
               progress.seconds > 0 ? progress.rows_done / progress.seconds : 0.0, done ? "\n" : "");
}

Status SeedCommand(const std::vector<std::string>& args, const Environment& environment) {
  SICOOP_ASSIGN_OR_RETURN(std::optional<ParsedOptions> given, ParseOrShowHelp(kSeedSpec, args));
  if (!given) return Status::Ok();
  ParsedOptions& parsed = *given;
  seed::SeedOptions options;
  SICOOP_ASSIGN_OR_RETURN(options.movimentos, OptionalCount(parsed, "movimentos", seed::kMaxMovimentos));
  SICOOP_ASSIGN_OR_RETURN(options.associados, OptionalCount(parsed, "associados", seed::kMaxAssociados));
  SICOOP_ASSIGN_OR_RETURN(int64_t seed, parsed.GetInt("seed", 0, INT64_MAX));
  options.seed = static_cast<uint64_t>(seed);
  options.from = parsed.Get("from");
  options.to = parsed.Get("to");
  SICOOP_ASSIGN_OR_RETURN(options.batch, parsed.GetInt("batch", 1, 1000000));
  options.append = parsed.Has("append");
  options.truncate = parsed.Has("truncate");
  SICOOP_ASSIGN_OR_RETURN(options.anomalies, AnomalyShare(parsed));
  SICOOP_RETURN_IF_ERROR(seed::CheckSeedOptions(options));
  SICOOP_ASSIGN_OR_RETURN(auto connection, ConnectTo(parsed, environment));
  std::function<void(const seed::SeedProgress&)> progress;
  if (isatty(STDERR_FILENO) == 1) progress = ShowProgress;
  SICOOP_ASSIGN_OR_RETURN(seed::SeedSummary summary, seed::Seed(*connection, options, progress));
  if (parsed.Has("json")) {
    std::string labels = options.anomalies > 0 ? ",\"movimento_anomalia\":" + std::to_string(summary.anomalias) : "";
    std::printf("{\"schema_version\":1,\"source\":%s,\"seed\":%llu,\"rows_added\":{\"associado\":%lld,"
                "\"conta\":%lld,\"cartao\":%lld,\"movimento\":%lld%s},\"seconds\":%s}\n",
                JsonString(connection->url().Redacted()).c_str(), static_cast<unsigned long long>(options.seed),
                static_cast<long long>(summary.associados), static_cast<long long>(summary.contas),
                static_cast<long long>(summary.cartoes), static_cast<long long>(summary.movimentos), labels.c_str(),
                JsonSeconds(summary.seconds).c_str());
    return Status::Ok();
  }
  std::string labels = options.anomalies > 0 ? " (" + std::to_string(summary.anomalias) + " of them labelled anomalies)" : "";
  std::printf("seeded %lld associados, %lld contas, %lld cartoes, %lld movimentos%s in %.1f s (%.0f rows/s)\n",
              static_cast<long long>(summary.associados), static_cast<long long>(summary.contas),
              static_cast<long long>(summary.cartoes), static_cast<long long>(summary.movimentos), labels.c_str(),
              summary.seconds, summary.seconds > 0 ? summary.rows() / summary.seconds : 0.0);
  return Status::Ok();
}

}  // namespace

const CommandSpec& DbInitSpec() { return kInitSpec; }
const CommandSpec& DbSeedSpec() { return kSeedSpec; }

int RunDb(const std::vector<std::string>& args, const Environment& environment) {
  return RunSubcommand(args, kDbUsage,
                       {{"init", [&environment](const auto& rest) { return Init(rest, environment); }},
                        {"seed", [&environment](const auto& rest) { return SeedCommand(rest, environment); }}},
                       "'sicoop db init' or 'sicoop db seed'", "sicoop db");
}

}  // namespace sicoop::cli
