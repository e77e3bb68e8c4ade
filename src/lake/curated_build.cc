#include "lake/curated_build.h"

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "common/numbers.h"
#include "db/tables.h"
#include "lake/catalog.h"
#include "pipeline/flat_view.h"

namespace sicoop::lake {
namespace {

std::string ColumnOf(const db::TableDesc& table, const std::string& column) {
  return pipeline::FlatViewAlias(table) + "." + column;
}

// The curated rows: the ids, the flat view's columns under their output names, the card's token.
std::string CuratedSelect() {
  std::string select = ColumnOf(db::Movimento(), "id") + " AS " + kCuratedIdColumn + ", " +
                       ColumnOf(db::Cartao(), "id") + " AS id_cartao, " + ColumnOf(db::Conta(), "id") + " AS id_conta, " +
                       ColumnOf(db::Associado(), "id") + " AS id_associado";
  for (const pipeline::FlatViewColumn& column : pipeline::FlatViewColumns()) {
    const std::string source = column.rendering == pipeline::Rendering::kCardNumber
                                   ? ColumnOf(column.table, kMaskedCardColumn)
                                   : ColumnOf(column.table, column.column);
    select += ", " + source + " AS " + column.name;
  }
  return select + ", " + ColumnOf(db::Cartao(), kCardTokenColumn) + " AS token_cartao";
}

std::string RawJoin(const std::string& join) {
  return pipeline::FlatViewJoinSql([](const db::TableDesc& table) { return RawTable(table); }, join);
}

Result<int64_t> Number(const spark::Row& row, size_t index, const std::string& what) {
  std::optional<int64_t> value;
  if (index < row.size() && row[index]) value = ParseInteger(*row[index]);
  if (!value) return Status::Failure("Spark gave no number for " + what);
  return *value;
}

// The build's record in each commit of the curated table, what the next build starts from.
constexpr const char* kRawSnapshotsProperty = "sicoop.raw-snapshots";  // "associado=ID;cartao=ID;conta=ID;movimento=ID"
constexpr const char* kRawRowsProperty = "sicoop.raw-rows";
constexpr const char* kNoCartaoProperty = "sicoop.dropped-no-cartao";
constexpr const char* kNoContaProperty = "sicoop.dropped-no-conta";
constexpr const char* kNoAssociadoProperty = "sicoop.dropped-no-associado";
constexpr const char* kRawAmountProperty = "sicoop.raw-amount";
constexpr const char* kAmountProperty = "sicoop.amount";

// The current snapshot of each raw table ("" for none), and raw.movimento's current history.
struct RawState {
  std::map<std::string, std::string> snapshots;
  std::vector<TableSnapshot> movimento_history;

  std::string Text() const {
    std::string text;
    for (const auto& [table, id] : snapshots) text += (text.empty() ? "" : ";") + table + "=" + id;
    return text;
  }
};

Result<RawState> ReadRawState(spark::SparkSession& spark) {
  RawState state;
  for (const db::TableDesc& table : db::SourceSchema()) {
    SICOOP_ASSIGN_OR_RETURN(std::vector<TableSnapshot> history, CurrentHistory(spark, RawTable(table)));
    state.snapshots[table.name] = history.empty() ? "" : history.back().id;
    if (table.is_fact()) state.movimento_history = std::move(history);
  }
  return state;
}

// The build's figures, over the rows it read from raw; for an append, added to the last build's.
struct Figures {
  int64_t raw_rows = 0;
  int64_t no_cartao = 0;
  int64_t no_conta = 0;
  int64_t no_associado = 0;
  std::string raw_amount = "0.00";
  std::string amount = "0.00";
  int64_t dropped() const { return no_cartao + no_conta + no_associado; }
};

std::string Property(const TableSnapshot& commit, const std::string& key) {
  auto found = commit.summary.find(key);
  return found == commit.summary.end() ? "" : found->second;
}

// What to do: rebuild the whole table, add the rows of some runs of raw.movimento, or nothing.
struct Plan {
  enum class Kind { kRebuild, kAppend, kUpToDate } kind = Kind::kRebuild;
  std::vector<std::string> runs;  // kAppend: the runs whose movimentos to add
  Figures previous;               // kAppend, kUpToDate: the last build's figures
  std::string reason;             // why, for the log
};

// Curated can take only the new movimentos when the last build left none out and the dimensions
// have not moved since (a new movimento cannot change an existing curated row; a changed or
// deleted dimension row can): then the runs after the one it read are added.
Plan ChoosePlan(const std::vector<TableSnapshot>& curated_history, const RawState& raw) {
  Plan plan;
  if (curated_history.empty()) {
    plan.reason = "first build";
    return plan;
  }
  const TableSnapshot& last = curated_history.back();
  const std::string recorded = Property(last, kRawSnapshotsProperty);
  if (recorded.empty()) {
    plan.reason = "the table's last commit has no build record";
    return plan;
  }
  std::map<std::string, std::string> read;
  for (size_t begin = 0; begin <= recorded.size();) {
    size_t end = recorded.find(';', begin);
    if (end == std::string::npos) end = recorded.size();
    const std::string item = recorded.substr(begin, end - begin);
    const size_t equals = item.find('=');
    if (equals != std::string::npos) read[item.substr(0, equals)] = item.substr(equals + 1);
    begin = end + 1;
  }
  plan.previous.raw_rows = ParseInteger(Property(last, kRawRowsProperty)).value_or(-1);
  plan.previous.no_cartao = ParseInteger(Property(last, kNoCartaoProperty)).value_or(-1);
  plan.previous.no_conta = ParseInteger(Property(last, kNoContaProperty)).value_or(-1);
  plan.previous.no_associado = ParseInteger(Property(last, kNoAssociadoProperty)).value_or(-1);
  const bool counted = plan.previous.no_cartao >= 0 && plan.previous.no_conta >= 0 && plan.previous.no_associado >= 0;
  const int64_t dropped = counted ? plan.previous.dropped() : -1;
  plan.previous.raw_amount = Property(last, kRawAmountProperty);
  plan.previous.amount = Property(last, kAmountProperty);
  if (read == raw.snapshots && plan.previous.raw_rows >= 0 && dropped >= 0) {
    plan.kind = Plan::Kind::kUpToDate;
    plan.reason = "the raw tables have not changed since the last build";
    return plan;
  }
  for (const auto& [table, id] : raw.snapshots) {
    if (table != db::Movimento().name && read[table] != id) {
      plan.reason = "raw " + table + " changed since the last build";
      return plan;
    }
  }
  if (dropped != 0 || plan.previous.raw_rows < 0) {
    plan.reason = "the last build left movimentos out, which new dimension rows may now let in";
    return plan;
  }
  const auto& history = raw.movimento_history;
  auto from = std::find_if(history.begin(), history.end(),
                           [&](const TableSnapshot& commit) { return commit.id == read[db::Movimento().name]; });
  if (from == history.end()) {
    plan.reason = "raw movimento's history no longer holds the commit the last build read";
    return plan;
  }
  for (auto commit = std::next(from); commit != history.end(); ++commit) {
    const std::string run = Property(*commit, kRunProperty);
    if (run.empty() || run.find('\'') != std::string::npos) {
      plan.reason = "raw movimento has a commit of no sicoop run since the last build";
      return plan;
    }
    plan.runs.push_back(run);
  }
  plan.kind = Plan::Kind::kAppend;
  plan.reason = std::to_string(plan.runs.size()) + " ingest" + (plan.runs.size() == 1 ? "" : "s") +
                " since the last build, dimensions unchanged";
  return plan;
}

// Counts and sums the raw movimentos that `where` selects, with what the inner join leaves out.
Result<Figures> CountInput(spark::SparkSession& spark, const std::string& where, const Figures& previous) {
  const std::string& movimento = pipeline::FlatViewAlias(db::Movimento());
  const std::string& cartao = pipeline::FlatViewAlias(db::Cartao());
  const std::string& conta = pipeline::FlatViewAlias(db::Conta());
  const std::string& associado = pipeline::FlatViewAlias(db::Associado());
  const std::string amount = movimento + ".vlr_transacao";
  SICOOP_ASSIGN_OR_RETURN(
      spark::Rows counts,
      spark.Sql("SELECT count(" + movimento + ".id), count_if(" + cartao + ".id IS NULL), count_if(" + cartao +
                ".id IS NOT NULL AND " + conta + ".id IS NULL), count_if(" + conta + ".id IS NOT NULL AND " + associado +
                ".id IS NULL), CAST(CAST('" + previous.raw_amount + "' AS DECIMAL(38, 2)) + coalesce(sum(" + amount +
                "), 0) AS DECIMAL(38, 2)), CAST(CAST('" + previous.amount + "' AS DECIMAL(38, 2)) + coalesce(sum(CASE WHEN " +
                associado + ".id IS NOT NULL THEN " + amount + " END), 0) AS DECIMAL(38, 2)) FROM " + RawJoin("LEFT JOIN") +
                where)
          .Collect());
  if (counts.rows.size() != 1 || counts.rows.front().size() < 6) return Status::Failure("Spark did not count raw movimento");
  const spark::Row& row = counts.rows.front();
  Figures figures;
  SICOOP_ASSIGN_OR_RETURN(figures.raw_rows, Number(row, 0, "the rows of raw movimento"));
  SICOOP_ASSIGN_OR_RETURN(figures.no_cartao, Number(row, 1, "the movimentos without their cartao"));
  SICOOP_ASSIGN_OR_RETURN(figures.no_conta, Number(row, 2, "the movimentos without their conta"));
  SICOOP_ASSIGN_OR_RETURN(figures.no_associado, Number(row, 3, "the movimentos without their associado"));
  if (!row[4] || !row[5]) return Status::Failure("Spark gave no sums of vlr_transacao of raw movimento");
  figures.raw_amount = *row[4];
  figures.amount = *row[5];
  figures.raw_rows += previous.raw_rows;
  return figures;
}

}  // namespace

Result<BuildSummary> BuildCurated(spark::SparkSession& spark, const std::function<void(const std::string&)>& log) {
  BuildSummary summary;
  const std::string curated = CuratedFlatTable();
  const std::string query = "SELECT /*+ BROADCAST(c, co, a) */ " + CuratedSelect() + " FROM " + RawJoin("JOIN");
  SICOOP_ASSIGN_OR_RETURN(std::vector<LakeColumn> columns, QueryColumns(spark, query));
  std::string declared;
  for (const LakeColumn& column : columns) declared += (declared.empty() ? "" : ", ") + column.name + " " + column.type;
  // The rows arrive sorted by a global sort; no distribution nor sort of Iceberg's own may undo it
  // (fan-out writers take the months in any order).
  auto created = spark.Sql("CREATE TABLE IF NOT EXISTS " + curated + " (" + declared +
                           ") USING iceberg PARTITIONED BY (months(" + std::string(kCuratedTimeColumn) + ")) TBLPROPERTIES (" + kTableProperties +
                           ", 'write.distribution-mode' = 'none', 'write.spark.fanout.enabled' = 'true')")
                     .Collect();
  if (!created.ok()) return created.status().WithContext("Spark could not create the lake table " + curated);

  SICOOP_ASSIGN_OR_RETURN(RawState raw, ReadRawState(spark));
  SICOOP_ASSIGN_OR_RETURN(std::vector<TableSnapshot> history, CurrentHistory(spark, curated));
  const Plan plan = ChoosePlan(history, raw);
  Figures figures = plan.previous;
  if (plan.kind == Plan::Kind::kUpToDate) {
    log("build " + curated + ": nothing to do, " + plan.reason);
    summary.mode = "up to date";
  } else {
    std::string where;
    if (plan.kind == Plan::Kind::kAppend) {
      std::string runs;
      for (const std::string& run : plan.runs) runs += (runs.empty() ? "'" : ", '") + run + "'";
      where = " WHERE " + pipeline::FlatViewAlias(db::Movimento()) + "." + kRunColumn + " IN (" + runs + ")";
      summary.mode = "appended";
    } else {
      figures = Figures{};
      summary.mode = "rebuilt";
    }
    log("build " + curated + ": " + (plan.kind == Plan::Kind::kAppend ? "add the new movimentos (" : "rebuild (") +
        plan.reason + ")");
    SICOOP_ASSIGN_OR_RETURN(figures, CountInput(spark, where, figures));
    std::string properties;
    for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
             {kRawSnapshotsProperty, raw.Text()},
             {kRawRowsProperty, std::to_string(figures.raw_rows)},
             {kNoCartaoProperty, std::to_string(figures.no_cartao)},
             {kNoContaProperty, std::to_string(figures.no_conta)},
             {kNoAssociadoProperty, std::to_string(figures.no_associado)},
             {kRawAmountProperty, figures.raw_amount},
             {kAmountProperty, figures.amount},
         }) {
      properties += (properties.empty() ? "WITH (" : ", ") + ("'snapshot-property." + key + "' = '" + value + "'");
    }
    properties += ")";
    // Static overwrite: a rebuild replaces the whole table, every month, in one commit.
    SICOOP_RETURN_IF_ERROR(spark.SetConf({{"spark.sql.sources.partitionOverwriteMode", "static"}}));
    auto built = spark.Sql(std::string(plan.kind == Plan::Kind::kAppend ? "INSERT INTO " : "INSERT OVERWRITE ") +
                           curated + " " + properties + " " + query + where + " ORDER BY data_movimento, " +
                           kCuratedIdColumn)
                     .Collect();
    if (!built.ok()) return built.status().WithContext("Spark could not build " + curated);
    SICOOP_ASSIGN_OR_RETURN(history, CurrentHistory(spark, curated));
  }
  summary.raw_movimentos = figures.raw_rows;
  summary.dropped_no_cartao = figures.no_cartao;
  summary.dropped_no_conta = figures.no_conta;
  summary.dropped_no_associado = figures.no_associado;
  summary.raw_amount = figures.raw_amount;
  summary.amount = figures.amount;
  if (history.empty()) return Status::Failure("the lake's " + curated + " has no commit after its build");
  summary.snapshot_id = history.back().id;
  summary.rows = ParseInteger(Property(history.back(), "total-records")).value_or(-1);
  // The table must hold what the join gave: every raw movimento but those it left out.
  if (summary.rows != figures.raw_rows - figures.dropped()) {
    return Status::Failure("the lake's " + curated + " holds " + std::to_string(summary.rows) + " rows after the build, " +
                           "but raw movimento has " + std::to_string(figures.raw_rows) + " of which the join leaves out " +
                           std::to_string(figures.dropped()) + ": run 'sicoop lake build' again; it rebuilds the table");
  }
  return summary;
}

}  // namespace sicoop::lake
