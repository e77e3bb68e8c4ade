#include "lake/curated_build.h"

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
                           ") USING iceberg PARTITIONED BY (months(data_movimento)) TBLPROPERTIES ('format-version' = "
                           "'2', 'write.distribution-mode' = 'none', 'write.spark.fanout.enabled' = 'true')")
                     .Collect();
  if (!created.ok()) return created.status().WithContext("Spark could not create the lake table " + curated);

  log("build " + curated + ": join the raw tables, sort by data_movimento and id");
  // Static overwrite: the statement replaces the whole table, every month, in one commit.
  SICOOP_RETURN_IF_ERROR(spark.SetConf({{"spark.sql.sources.partitionOverwriteMode", "static"}}));
  auto built = spark.Sql("INSERT OVERWRITE " + curated + " " + query + " ORDER BY data_movimento, " + kCuratedIdColumn)
                   .Collect();
  if (!built.ok()) return built.status().WithContext("Spark could not build " + curated);

  const std::string& movimento = pipeline::FlatViewAlias(db::Movimento());
  const std::string& cartao = pipeline::FlatViewAlias(db::Cartao());
  const std::string& conta = pipeline::FlatViewAlias(db::Conta());
  const std::string& associado = pipeline::FlatViewAlias(db::Associado());
  SICOOP_ASSIGN_OR_RETURN(
      spark::Rows counts,
      spark.Sql("SELECT count(" + movimento + ".id), count_if(" + cartao + ".id IS NULL), count_if(" + cartao +
                ".id IS NOT NULL AND " + conta + ".id IS NULL), count_if(" + conta + ".id IS NOT NULL AND " + associado +
                ".id IS NULL), (SELECT count(*) FROM " + curated + "), CAST(coalesce(sum(" + movimento +
                ".vlr_transacao), 0) AS DECIMAL(38, 2)), (SELECT CAST(coalesce(sum(vlr_transacao_movimento), 0) AS "
                "DECIMAL(38, 2)) FROM " + curated + ") FROM " + RawJoin("LEFT JOIN"))
          .Collect());
  if (counts.rows.size() != 1) return Status::Failure("Spark did not count the rows of " + curated);
  const spark::Row& row = counts.rows.front();
  SICOOP_ASSIGN_OR_RETURN(summary.raw_movimentos, Number(row, 0, "the rows of raw movimento"));
  SICOOP_ASSIGN_OR_RETURN(summary.dropped_no_cartao, Number(row, 1, "the movimentos without their cartao"));
  SICOOP_ASSIGN_OR_RETURN(summary.dropped_no_conta, Number(row, 2, "the movimentos without their conta"));
  SICOOP_ASSIGN_OR_RETURN(summary.dropped_no_associado, Number(row, 3, "the movimentos without their associado"));
  SICOOP_ASSIGN_OR_RETURN(summary.rows, Number(row, 4, "the rows of " + curated));
  if (row.size() < 7 || !row[5] || !row[6]) return Status::Failure("Spark gave no sums of vlr_transacao for " + curated);
  summary.raw_amount = *row[5];
  summary.amount = *row[6];
  SICOOP_ASSIGN_OR_RETURN(std::vector<TableSnapshot> history, CurrentHistory(spark, curated));
  if (!history.empty()) summary.snapshot_id = history.back().id;
  return summary;
}

}  // namespace sicoop::lake
