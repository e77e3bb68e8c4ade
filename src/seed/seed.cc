#include "seed/seed.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

#include "common/calendar.h"
#include "common/numbers.h"
#include "db/bulk_rows.h"
#include "db/empty_tables_load.h"
#include "db/schema.h"
#include "db/tables.h"
#include "seed/anomalies.h"
#include "seed/cooperative.h"
#include "seed/movimentos.h"
#include "seed/parallel_chunks.h"

namespace sicoop::seed {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kMembersPerChunk = 2000;

struct Plan {
  GeneratorConfig config;
  int64_t movimentos = 0;
  int threads = 1;
  int64_t batch = 0;
};

// A day of the --from/--to options (a time of day may follow it).
Result<int64_t> ParseDay(std::string_view text, const std::string& option) {
  std::optional<int64_t> seconds = ParseWallClock(text);
  if (!seconds) return Status::Usage(option + " must be a date YYYY-MM-DD (got '" + std::string(text) + "')");
  return *seconds;
}

Result<Plan> Validate(const SeedOptions& options) {
  Plan plan;
  int64_t associados = options.associados.value_or(
      options.movimentos ? std::max<int64_t>(100, *options.movimentos / 200) : 100);
  plan.movimentos = options.movimentos.value_or(options.associados ? associados * 50 : 5000);
  if (associados < 0 || associados > kMaxAssociados) {
    return Status::Usage("--associados must be between 0 and " + std::to_string(kMaxAssociados));
  }
  if (plan.movimentos < 0 || plan.movimentos > kMaxMovimentos) {
    return Status::Usage("--movimentos must be between 0 and " + std::to_string(kMaxMovimentos));
  }
  if (options.batch < 1 || options.batch > 1'000'000) return Status::Usage("--batch must be between 1 and 1000000");
  if (options.append && options.truncate) return Status::Usage("--append and --truncate exclude each other");
  if (!(options.anomalies >= 0 && options.anomalies <= kMaxAnomalyShare)) {
    return Status::Usage("--anomalies must be a share of the cards from 0 to 0.5");
  }
  SICOOP_ASSIGN_OR_RETURN(plan.config.from, ParseDay(options.from, "--from"));
  SICOOP_ASSIGN_OR_RETURN(int64_t last_day, ParseDay(options.to, "--to"));
  plan.config.to = last_day + kSecondsPerDay;
  if (plan.config.from >= plan.config.to) return Status::Usage("--from must not be after --to");
  plan.config.seed = options.seed;
  plan.config.members = associados;
  plan.threads = options.threads > 0 ? options.threads : std::max(1U, std::thread::hardware_concurrency());
  plan.batch = options.batch;
  return plan;
}

}  // namespace

Status CheckSeedOptions(const SeedOptions& options) { return Validate(options).status(); }

namespace {

// The largest key of `table`, or nullopt when it is empty.
Result<std::optional<int64_t>> MaxId(db::Connection& connection, const db::TableDesc& table) {
  std::string max = "MAX(" + table.primary_key + ")";
  SICOOP_ASSIGN_OR_RETURN(auto rows, connection.Query("SELECT " + max + " FROM " + table.name));
  if (rows.empty() || rows[0].empty() || !rows[0][0]) return std::optional<int64_t>();
  std::optional<int64_t> max_id = ParseInteger(*rows[0][0]);
  if (!max_id) {
    return Status::Failure("table " + table.name + " answered " + max + " with '" + *rows[0][0] + "', not a number");
  }
  return max_id;
}

// Empties every source table, and the labels when they exist, children first.
Status Truncate(db::Connection& connection) {
  std::vector<std::string> names;
  SICOOP_ASSIGN_OR_RETURN(bool labels, db::TableExists(connection, db::MovimentoAnomalia().name));
  if (labels) names.push_back(db::MovimentoAnomalia().name);
  const auto& tables = db::SourceSchema();
  for (auto table = tables.rbegin(); table != tables.rend(); ++table) names.push_back(table->name);
  if (connection.dialect() == db::Dialect::kPostgres) {
    std::string statement = "TRUNCATE ";
    for (size_t i = 0; i < names.size(); ++i) statement += (i == 0 ? "" : ", ") + names[i];
    return connection.Execute(statement);
  }
  // MySQL refuses TRUNCATE of a table that foreign keys reference unless the checks are off for the
  // statement; TRUNCATE commits implicitly, so on MySQL the emptying is not part of the load's
  // transaction. Every table is emptied, so no reference is left dangling.
  std::string statements = "SET foreign_key_checks = 0; ";
  for (const std::string& name : names) statements += "TRUNCATE " + name + "; ";
  return connection.Execute(statements + "SET foreign_key_checks = 1");
}

// The cards already in the database that movimentos of an --append run may use.
Status LoadExistingCards(db::Connection& connection, int64_t before, std::vector<CardRef>& cards) {
  SICOOP_ASSIGN_OR_RETURN(auto rows, connection.Query("SELECT id, data_criacao FROM cartao ORDER BY id"));
  for (const db::Row& row : rows) {
    if (!row[0] || !row[1]) continue;
    std::optional<int64_t> id = ParseInteger(*row[0]);
    std::optional<int64_t> created = ParseWallClock(*row[1]);
    if (!id || !created) {
      return Status::Failure("cartao row (" + *row[0] + ", " + *row[1] + ") in " + connection.Describe() +
                             " has no integer id or no YYYY-MM-DD HH:MM:SS data_criacao");
    }
    if (*created < before - 60) cards.push_back({*id, *created});
  }
  return Status::Ok();
}

class Loader {
 public:
  Loader(db::Connection& connection, const Plan& plan, const std::function<void(const SeedProgress&)>& progress)
      : connection_(connection), plan_(plan), progress_(progress), start_(Clock::now()) {}

  // Loads `chunks` chunks made by `write` into `table`, each row's fields in the table's column order;
  // `rows` is how many rows they hold.
  Status Load(const db::TableDesc& table, int64_t chunks, int64_t rows, const std::function<int64_t(int64_t)>& rows_in,
              const std::function<void(int64_t, db::BulkRowWriter&)>& write) {
    if (rows == 0) return Status::Ok();
    db::BulkFormat format = db::BulkFormatFor(connection_.dialect());
    auto fields = static_cast<int>(table.columns.size());
    ParallelChunks generator(chunks, plan_.threads, [&](int64_t i, std::string& out) {
      db::BulkRowWriter writer(format, fields, out);
      write(i, writer);
    });
    SeedProgress progress{table.name, 0, rows, 0};
    int64_t taken = 0;
    auto next = [&](std::string& chunk) -> Result<bool> {
      if (!generator.Next(chunk)) return false;
      if (progress_) {
        progress.rows_done += rows_in(taken++);
        progress.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
        progress_(progress);
      }
      return true;
    };
    SICOOP_ASSIGN_OR_RETURN(int64_t stored, connection_.BulkLoad(table.name, table.ColumnNames(), next));
    if (stored != rows) {
      return Status::Failure("table " + table.name + " in " + connection_.Describe() + " took " +
                             std::to_string(stored) + " of " + std::to_string(rows) + " rows");
    }
    return Status::Ok();
  }

  // Reports a step that has no rows to count.
  void Announce(const std::string& step) {
    if (progress_) progress_({step, 0, 0, std::chrono::duration<double>(Clock::now() - start_).count()});
  }

 private:
  db::Connection& connection_;
  const Plan& plan_;
  const std::function<void(const SeedProgress&)>& progress_;
  Clock::time_point start_;
};

Result<SeedSummary> SeedInTransaction(db::Connection& connection, const SeedOptions& options, Plan& plan,
                                      const std::function<void(const SeedProgress&)>& progress) {
  Loader loader(connection, plan, progress);
  if (options.truncate && connection.dialect() == db::Dialect::kPostgres) SICOOP_RETURN_IF_ERROR(Truncate(connection));
  bool all_empty = true;
  // The first id after those already in `table`, which must be empty unless --append is given.
  auto first_free_id = [&](const db::TableDesc& table) -> Result<int64_t> {
    SICOOP_ASSIGN_OR_RETURN(auto max_id, MaxId(connection, table));
    all_empty = all_empty && !max_id;
    if (max_id && !options.append) {
      return Status::Failure("table " + table.name + " in database '" + connection.url().database + "' at " +
                             connection.url().Endpoint() +
                             " already holds rows: add --append to add more, or --truncate to replace them");
    }
    return max_id.value_or(0) + 1;
  };
  SICOOP_ASSIGN_OR_RETURN(plan.config.first_member, first_free_id(db::Associado()));
  SICOOP_ASSIGN_OR_RETURN(int64_t first_conta, first_free_id(db::Conta()));
  SICOOP_ASSIGN_OR_RETURN(int64_t first_cartao, first_free_id(db::Cartao()));
  SICOOP_ASSIGN_OR_RETURN(int64_t first_movimento, first_free_id(db::Movimento()));

  // PostgreSQL's bulk path into empty tables drops movimento's primary key, which the labels' foreign
  // key holds on to: the label table (empty, as movimento is) goes too and comes back after the keys.
  bool pg = connection.dialect() == db::Dialect::kPostgres;
  const db::TableDesc& labels = db::MovimentoAnomalia();
  SICOOP_ASSIGN_OR_RETURN(bool labels_exist, db::TableExists(connection, labels.name));
  bool drop_labels = pg && all_empty && labels_exist;
  if (drop_labels) SICOOP_RETURN_IF_ERROR(connection.Execute("DROP TABLE " + labels.name));

  std::vector<CardRef> cards;
  if (options.append && plan.movimentos > 0) SICOOP_RETURN_IF_ERROR(LoadExistingCards(connection, plan.config.to, cards));
  CooperativeLayout layout = LayOutCooperative(plan.config, kMembersPerChunk, first_conta, first_cartao, cards);
  if (plan.movimentos > 0 && cards.empty()) {
    return Status::Usage("movimentos need cards, and there are none: give --associados greater than 0");
  }

  const GeneratorConfig& config = plan.config;
  AnomalyWriter anomalies(config, cards, options.anomalies, first_movimento + plan.movimentos);
  SeedSummary summary{plan.config.members, layout.contas,    layout.cartoes,
                      plan.movimentos + anomalies.rows(),    anomalies.rows(), 0};
  auto chunk_count = static_cast<int64_t>(layout.chunks.size());
  if (all_empty) SICOOP_RETURN_IF_ERROR(db::BeginEmptyTablesLoad(connection));
  auto associados_in = [&](int64_t i) { return layout.chunks[i].members; };
  SICOOP_RETURN_IF_ERROR(loader.Load(db::Associado(), chunk_count, summary.associados, associados_in,
                                     [&](int64_t i, db::BulkRowWriter& out) { WriteAssociados(config, layout.chunks[i], out); }));
  auto contas_in = [&](int64_t i) { return layout.chunks[i].contas; };
  SICOOP_RETURN_IF_ERROR(loader.Load(db::Conta(), chunk_count, summary.contas, contas_in,
                                     [&](int64_t i, db::BulkRowWriter& out) { WriteContas(config, layout.chunks[i], out); }));
  auto cartoes_in = [&](int64_t i) { return layout.chunks[i].cartoes; };
  SICOOP_RETURN_IF_ERROR(loader.Load(db::Cartao(), chunk_count, summary.cartoes, cartoes_in,
                                     [&](int64_t i, db::BulkRowWriter& out) { WriteCartoes(config, layout.chunks[i], out); }));
  int64_t batch = plan.batch;
  int64_t total = plan.movimentos;
  MovimentoWriter movimentos(config, cards, first_movimento, total);
  auto movimentos_in = [&](int64_t i) { return std::min(batch, total - i * batch); };
  SICOOP_RETURN_IF_ERROR(loader.Load(db::Movimento(), (total + batch - 1) / batch, total, movimentos_in,
                                     [&](int64_t i, db::BulkRowWriter& out) {
                                       movimentos.Write(first_movimento + i * batch, movimentos_in(i), out);
                                     }));
  auto anomalies_in = [&](int64_t i) { return anomalies.RowsIn(i); };
  SICOOP_RETURN_IF_ERROR(loader.Load(db::Movimento(), anomalies.chunks(), anomalies.rows(), anomalies_in,
                                     [&](int64_t i, db::BulkRowWriter& out) { anomalies.WriteMovimentos(i, out); }));
  if (all_empty) {
    loader.Announce("building and checking keys and indexes");
    SICOOP_RETURN_IF_ERROR(db::FinishEmptyTablesLoad(connection));
  }
  // MySQL's label table was made before the transaction (its DDL commits at once). Loaded after the
  // keys are back, so every label's foreign key is checked as it goes in.
  if (drop_labels || (pg && options.anomalies > 0 && !labels_exist)) {
    SICOOP_RETURN_IF_ERROR(connection.Execute(db::CreateTableStatement(labels, connection.dialect())));
  }
  SICOOP_RETURN_IF_ERROR(loader.Load(labels, anomalies.chunks(), anomalies.rows(), anomalies_in,
                                     [&](int64_t i, db::BulkRowWriter& out) { anomalies.WriteLabels(i, out); }));
  return summary;
}

}  // namespace

Result<SeedSummary> Seed(db::Connection& connection, const SeedOptions& options,
                         const std::function<void(const SeedProgress&)>& progress) {
  auto start = Clock::now();
  SICOOP_ASSIGN_OR_RETURN(Plan plan, Validate(options));
  SICOOP_RETURN_IF_ERROR(db::CheckSchema(connection));
  if (connection.dialect() == db::Dialect::kMysql) {
    if (options.anomalies > 0) {
      Status created = connection.Execute(db::CreateTableStatement(db::MovimentoAnomalia(), db::Dialect::kMysql));
      if (!created.ok()) return created.WithContext("creating the table of the anomalies' labels");
    }
    if (options.truncate) SICOOP_RETURN_IF_ERROR(Truncate(connection));
  }
  SICOOP_RETURN_IF_ERROR(connection.Execute("BEGIN"));
  auto summary = SeedInTransaction(connection, options, plan, progress);
  if (!summary.ok()) {
    // Best effort: after a lost connection the server has already rolled back.
    (void)connection.Execute("ROLLBACK");
    db::AbandonEmptyTablesLoad(connection);
    if (summary.status().is_usage()) return summary.status();
    return summary.status().WithContext("seeding " + connection.Describe() + " failed and nothing was loaded");
  }
  Status committed = connection.Execute("COMMIT");
  if (!committed.ok()) return committed.WithContext("seeding failed at commit and nothing was loaded");
  summary->seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return summary;
}

}  // namespace sicoop::seed
