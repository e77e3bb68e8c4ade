#include "lake/gold_build.h"

#include <algorithm>

#include "common/merchant_catalog.h"
#include "common/numbers.h"
#include "lake/catalog.h"

namespace sicoop::lake {
namespace {

// The curated snapshot a gold table's commit was built from (in the commit's summary).
constexpr const char* kCuratedSnapshotProperty = "sicoop.curated-snapshot";

// The session's temporary views the gold queries read: curated's movimentos with their merchant
// category, city and instant as epoch seconds (all of them, or those of the months to recompute).
constexpr const char* kMovimentosView = "sicoop_gold_movimentos";

// A Spark SQL string of `text`: quotes and backslashes as chr(), so that it means the same whatever
// the session's spark.sql.parser.escapedStringLiterals (as pipeline/flat_view.cc does).
std::string Literal(std::string_view text) {
  std::vector<std::string> pieces;
  std::string piece;
  for (char c : text) {
    if (c != '\'' && c != '\\') {
      piece += c;
      continue;
    }
    if (!piece.empty()) pieces.push_back("'" + piece + "'");
    piece.clear();
    pieces.push_back("chr(" + std::to_string(static_cast<int>(c)) + ")");
  }
  if (!piece.empty() || pieces.empty()) pieces.push_back("'" + piece + "'");
  if (pieces.size() == 1) return pieces.front();
  std::string joined;
  for (const std::string& each : pieces) joined += (joined.empty() ? "" : ", ") + each;
  return "concat(" + joined + ")";
}

// The merchant catalog as an inline table (merchant, categoria), small enough to be broadcast.
std::string CatalogValues() {
  std::string values;
  for (const MerchantCategory& category : MerchantCatalog()) {
    for (const CatalogMerchant& merchant : category.merchants) {
      values += (values.empty() ? "" : ", ") + ("(" + Literal(merchant.name) + ", " + Literal(category.name) + ")");
    }
  }
  return "(VALUES " + values + ") AS catalogo(merchant, categoria)";
}

// Curated's rows with: v (the amount), mes (the first day of their month), categoria, cidade (NULL
// for an online purchase), t (seconds since 1970-01-01 00:00:00 of the wall clock they were recorded
// in), hora (0..23) and dia_semana (1 = Sunday .. 7 = Saturday). The description is
// "[Estorno ]<merchant>[ - <city>]" (common/merchant_catalog.h).
std::string MovimentosQuery(const std::string& where) {
  const std::string description = "des_transacao_movimento";
  const std::string prefix = Literal(kRefundPrefix);
  const std::string separator = Literal(kCitySeparator);
  const std::string without_refund = "CASE WHEN startswith(" + description + ", " + prefix + ") THEN substr(" +
                                     description + ", " + std::to_string(kRefundPrefix.size() + 1) + ") ELSE " +
                                     description + " END";
  // The part before the last separator: the whole text less what follows it and the separator.
  const std::string merchant = "CASE WHEN instr(sem_estorno, " + separator +
                               ") > 0 THEN substr(sem_estorno, 1, length(sem_estorno) - length(substring_index(sem_estorno, " +
                               separator + ", -1)) - " + std::to_string(kCitySeparator.size()) + ") ELSE sem_estorno END";
  const std::string city = "CASE WHEN instr(" + description + ", " + separator + ") > 0 THEN substring_index(" +
                           description + ", " + separator + ", -1) END";
  return "SELECT /*+ BROADCAST(catalogo) */ m.*, coalesce(catalogo.categoria, " + Literal(kOtherCategoryName) +
         ") AS categoria FROM (SELECT c.*, " + merchant + " AS merchant FROM (SELECT f.*, vlr_transacao_movimento AS v, "
         "trunc(CAST(data_movimento AS DATE), 'MM') AS mes, " + without_refund + " AS sem_estorno, " + city +
         " AS cidade, timestampdiff(SECOND, TIMESTAMP_NTZ'1970-01-01 00:00:00', data_movimento) AS t, "
         "hour(data_movimento) AS hora, dayofweek(data_movimento) AS dia_semana FROM " + CuratedFlatTable() + " f" +
         where + ") c) m LEFT JOIN " + CatalogValues() + " ON m.merchant = catalogo.merchant";
}

// gold.associado_mes from the view: fixed columns and types (the reports read them).
std::string MemberMonthQuery() {
  return std::string("SELECT id_associado, mes, count(*) AS movimentos, count_if(v >= 0) AS compras, "
         "CAST(coalesce(sum(CASE WHEN v >= 0 THEN v END), 0) AS DECIMAL(38, 2)) AS gasto, "
         "CAST(round(sum(CASE WHEN v >= 0 THEN v END) / nullif(count_if(v >= 0), 0), 2) AS DECIMAL(38, 2)) AS ticket_medio, "
         "count_if(v < 0) AS estornos, "
         "CAST(-coalesce(sum(CASE WHEN v < 0 THEN v END), 0) AS DECIMAL(38, 2)) AS valor_estornado, "
         "count(DISTINCT id_cartao) AS cartoes_em_uso, count(DISTINCT id_conta) AS contas_em_uso FROM ") +
         kMovimentosView + " GROUP BY id_associado, mes";
}

// gold.associado_mes_categoria: purchases only, so a member-month-category of refunds alone has no row.
std::string MemberMonthCategoryQuery() {
  return std::string("SELECT id_associado, mes, categoria, count(*) AS compras, CAST(sum(v) AS DECIMAL(38, 2)) AS gasto "
                     "FROM ") +
         kMovimentosView + " WHERE v >= 0 GROUP BY id_associado, mes, categoria";
}

// The feature tables (docs/features.md), per card or per member: `key` is the column the windowed
// features partition by, `ids` the columns a row is grouped by (the key first), `extra` more
// aggregates. Windows end at the reference instant: the lake's last movimento, not the clock, so
// that the same lake gives the same features whenever it is built.
std::string FeaturesQuery(const std::string& key, const std::string& ids, const std::string& extra) {
  const std::string view = kMovimentosView;
  const std::string purchase = "v >= 0";
  const std::string in_90_days = "t > r.referencia_t - 90 * 86400";
  // A share of `of` rows among `among` rows: 0 when there are none.
  auto share = [](const std::string& of, const std::string& among) {
    return "coalesce(count_if(" + of + ") / nullif(count_if(" + among + "), 0), 0.0)";
  };
  auto money = [](const std::string& expression) { return "CAST(coalesce(" + expression + ", 0) AS DECIMAL(38, 2))"; };
  std::string categories;
  for (const MerchantCategory& category : MerchantCatalog()) {
    categories += ", " + share(purchase + " AND categoria = " + Literal(category.name), purchase) + " AS fracao_" +
                  std::string(category.key);
  }
  categories += ", " + share(purchase + " AND categoria = " + Literal(kOtherCategoryName), purchase) + " AS fracao_" +
                std::string(kOtherCategoryName);
  const std::string aggregates =
      "CAST(round((r.referencia_t - max(t)) / 86400.0, 6) AS DOUBLE) AS recencia_dias, count(*) AS frequencia, "
      "count_if(" + in_90_days +
      ") AS frequencia_90d, " + money("sum(CASE WHEN " + purchase + " THEN v END)") + " AS monetario, " +
      money("sum(CASE WHEN " + purchase + " AND " + in_90_days + " THEN v END)") + " AS monetario_90d, " +
      money("round(sum(CASE WHEN " + purchase + " THEN v END) / nullif(count_if(" + purchase + "), 0), 2)") +
      " AS ticket_medio, " + money("max(CASE WHEN " + purchase + " THEN v END)") + " AS ticket_maximo" + categories +
      ", " + share("hora < 6", "true") + " AS fracao_madrugada, " + share("hora >= 6 AND hora < 12", "true") +
      " AS fracao_manha, " + share("hora >= 12 AND hora < 18", "true") + " AS fracao_tarde, " +
      share("hora >= 18", "true") + " AS fracao_noite, " + share("dia_semana IN (1, 7)", "true") +
      " AS fracao_fim_de_semana, " + share("v < 0", "true") +
      " AS taxa_estorno, max(datediff(CAST(r.referencia AS DATE), CAST(data_criacao_cartao AS DATE))) AS tempo_cartao_dias, "
      "max(datediff(CAST(r.referencia AS DATE), CAST(data_criacao_conta AS DATE))) AS tempo_conta_dias, "
      "max(idade_associado) AS idade, " +
      money("max(CASE WHEN " + purchase + " AND hora < 6 THEN v END)") + " AS maior_compra_madrugada" + extra;
  // One pass over the movimentos, partitioned by `key`: at each row, the movimentos (and the small
  // purchases) of the 3600 seconds ending there, the previous in-person movimento's city and time
  // (online ones, without a city, left aside), and the key's usual city (that of most of its
  // in-person movimentos; a tie goes to the first in code-point order). The greatest count over
  // the small purchases' own rows is the peak of small purchases: a window of 60 minutes ending
  // elsewhere holds no more of them than the one ending at its last small purchase.
  const std::string small = purchase + " AND v < 10";
  const std::string jump = "cidade <> cidade_anterior AND t - t_anterior";
  const std::string per_row =
      "SELECT *, count(*) OVER hora_ate_aqui AS movimentos_60min, count_if(" + small +
      ") OVER hora_ate_aqui AS compras_pequenas_ate_aqui, last(cidade, true) OVER anteriores AS cidade_anterior, "
      "last(CASE WHEN cidade IS NOT NULL THEN t END, true) OVER anteriores AS t_anterior, first_value(cidade) OVER "
      "(PARTITION BY " + key + " ORDER BY movimentos_na_cidade DESC NULLS LAST, cidade ASC NULLS LAST ROWS BETWEEN "
      "UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS cidade_habitual FROM (SELECT *, CASE WHEN cidade IS NOT NULL "
      "THEN count(*) OVER (PARTITION BY " + key + ", cidade) END AS movimentos_na_cidade FROM " + view +
      ") WINDOW hora_ate_aqui AS (PARTITION BY " + key + " ORDER BY t RANGE BETWEEN 3599 PRECEDING AND CURRENT ROW), "
      "anteriores AS (PARTITION BY " + key + " ORDER BY t, id_movimento ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)";
  return "SELECT " + ids + ", " + aggregates + ", max(movimentos_60min) AS velocidade_60min, "
         "coalesce(max(CASE WHEN " + small + " THEN compras_pequenas_ate_aqui END), 0) AS compras_pequenas_60min, "
         "count_if(" + jump + " < 3600) AS saltos_de_cidade_60min, count_if(" + jump + " < 1200) AS saltos_de_cidade_20min, "
         "count_if(" + jump + " < 1200 AND cidade <> cidade_habitual AND cidade_anterior <> cidade_habitual) AS "
         "saltos_fora_da_cidade_habitual_20min FROM (" + per_row + ") CROSS JOIN (SELECT max(data_movimento) AS "
         "referencia, max(t) AS referencia_t FROM " + view + ") r GROUP BY " + ids + ", r.referencia, r.referencia_t";
}

std::string Property(const TableSnapshot& commit, const std::string& key) {
  auto found = commit.summary.find(key);
  return found == commit.summary.end() ? "" : found->second;
}

// A gold table, its query over the view, and whether it is kept per month (partitioned by `mes`,
// its months recomputable on their own).
struct GoldQuery {
  const char* name;
  std::string query;
  bool per_month;
};

// What to do with one gold table.
struct Plan {
  enum class Kind { kRebuild, kMonths, kUpToDate } kind = Kind::kRebuild;
  std::vector<std::string> months;  // kMonths: the first days of the months to recompute, 'YYYY-MM-DD'
  std::string reason;               // why, for the log
};

// The months (first days) of the curated rows that the commits `ids` added: the partitions of the
// data files they added (curated is partitioned by month).
Result<std::vector<std::string>> MonthsAddedBy(spark::SparkSession& spark, const std::vector<std::string>& ids) {
  std::string list;
  for (const std::string& id : ids) list += (list.empty() ? "" : ", ") + id;
  SICOOP_ASSIGN_OR_RETURN(
      spark::Rows rows,
      spark.Sql("SELECT DISTINCT CAST(add_months(DATE'1970-01-01', data_file.partition.data_movimento_month) AS STRING) "
                "AS mes FROM " + CuratedFlatTable() + ".entries WHERE status <> 2 AND snapshot_id IN (" + list +
                ") ORDER BY mes")
          .Collect());
  std::vector<std::string> months;
  for (const spark::Row& row : rows.rows) {
    if (!row.empty() && row[0]) months.push_back(*row[0]);
  }
  return months;
}

// A per-month table can take the months curated's appends touched when every curated commit since
// the one it was built from is an append (an append adds movimentos and changes no existing row).
Result<Plan> ChoosePlan(spark::SparkSession& spark, const GoldQuery& table, const std::vector<TableSnapshot>& history,
                        const std::vector<TableSnapshot>& curated) {
  Plan plan;
  if (history.empty()) {
    plan.reason = "first build";
    return plan;
  }
  const std::string built_from = Property(history.back(), kCuratedSnapshotProperty);
  const std::string current = curated.empty() ? "" : curated.back().id;
  if (built_from.empty()) {
    plan.reason = "the table's last commit has no build record";
    return plan;
  }
  if (built_from == current) {
    plan.kind = Plan::Kind::kUpToDate;
    plan.reason = "curated has not changed since the last build";
    return plan;
  }
  auto from = std::find_if(curated.begin(), curated.end(), [&](const TableSnapshot& commit) { return commit.id == built_from; });
  if (from == curated.end()) {
    plan.reason = "curated's history no longer holds the commit the last build read";
    return plan;
  }
  std::vector<std::string> added;
  for (auto commit = std::next(from); commit != curated.end(); ++commit) {
    if (commit->operation != "append") {
      plan.reason = "curated was rebuilt since the last build";
      return plan;
    }
    added.push_back(commit->id);
  }
  SICOOP_ASSIGN_OR_RETURN(plan.months, MonthsAddedBy(spark, added));
  if (plan.months.empty()) {
    // A build that found no new movimento still commits curated (an append of nothing).
    plan.kind = Plan::Kind::kUpToDate;
    plan.reason = "curated's commits since the last build added no movimento";
    return plan;
  }
  if (!table.per_month) {
    plan.reason = "curated appended movimentos; the features are relative to its last movimento";
    return plan;
  }
  plan.kind = Plan::Kind::kMonths;
  plan.reason = "curated appended movimentos in " + std::to_string(plan.months.size()) + " month" +
                (plan.months.size() == 1 ? "" : "s");
  return plan;
}

// The filter of curated's rows to `months` (first days), on data_movimento so that Spark reads only
// those months' partitions.
std::string MonthsFilter(const std::vector<std::string>& months) {
  std::string where;
  for (const std::string& month : months) {
    where += std::string(where.empty() ? " WHERE " : " OR ") + "(data_movimento >= CAST(DATE'" + month +
             "' AS TIMESTAMP_NTZ) AND data_movimento < CAST(add_months(DATE'" + month + "', 1) AS TIMESTAMP_NTZ))";
  }
  return where;
}

Status DefineView(spark::SparkSession& spark, const std::string& where) {
  auto defined = spark.Sql(std::string("CREATE OR REPLACE TEMPORARY VIEW ") + kMovimentosView + " AS " +
                           MovimentosQuery(where))
                     .Collect();
  if (!defined.ok()) return defined.status().WithContext("Spark could not read " + CuratedFlatTable() + " for the gold tables");
  return Status::Ok();
}

// Creates `table` for `query`'s columns, or replaces it (empty, so that it is rebuilt) when an older
// sicoop made it with other columns.
Status CreateTable(spark::SparkSession& spark, const std::string& table, const std::string& query, bool per_month,
                   const std::function<void(const std::string&)>& log) {
  SICOOP_ASSIGN_OR_RETURN(std::vector<LakeColumn> wanted, QueryColumns(spark, query));
  SICOOP_ASSIGN_OR_RETURN(std::vector<LakeColumn> existing, TableColumns(spark, table));
  const bool same = existing.size() == wanted.size() &&
                    std::equal(existing.begin(), existing.end(), wanted.begin(), [](const LakeColumn& a, const LakeColumn& b) {
                      return a.name == b.name && a.type == b.type;
                    });
  if (same) return Status::Ok();
  if (!existing.empty()) log("build " + table + ": its columns changed; the table is replaced and rebuilt");
  std::string declared;
  for (const LakeColumn& column : wanted) declared += (declared.empty() ? "" : ", ") + column.name + " " + column.type;
  auto created = spark.Sql(std::string(existing.empty() ? "CREATE TABLE " : "CREATE OR REPLACE TABLE ") + table + " (" +
                           declared + ") USING iceberg " + (per_month ? "PARTITIONED BY (mes) " : "") +
                           "TBLPROPERTIES (" + kTableProperties + ")")
                     .Collect();
  if (!created.ok()) return created.status().WithContext("Spark could not create the lake table " + table);
  return Status::Ok();
}

// Writes `table` per `plan` in one commit that records `curated_snapshot`.
Status WriteTable(spark::SparkSession& spark, const std::string& table, const std::string& query, const Plan& plan,
                  const std::string& curated_snapshot) {
  // Static: a rebuild replaces every month; dynamic: only the months the query gives rows for.
  SICOOP_RETURN_IF_ERROR(spark.SetConf(
      {{"spark.sql.sources.partitionOverwriteMode", plan.kind == Plan::Kind::kMonths ? "dynamic" : "static"}}));
  auto written = spark.Sql("INSERT OVERWRITE " + table + " WITH ('snapshot-property." + kCuratedSnapshotProperty +
                           "' = " + Literal(curated_snapshot) + ") " + query)
                     .Collect();
  if (!written.ok()) return written.status().WithContext("Spark could not build " + table);
  return Status::Ok();
}

// The whole view held in Spark's cache while the feature tables are written: the two queries read
// it twice each (the movimentos and the reference instant), and without the cache each read scans
// curated and classifies every movimento again.
// Released when the build ends, whichever way. Spark's cache belongs to the server, not the session:
// a run killed meanwhile on a shared server leaves the cached rows there until the server restarts
// (a private server ends with its run).
class CachedView {
 public:
  explicit CachedView(spark::SparkSession& spark) : spark_(spark) {}
  CachedView(const CachedView&) = delete;
  CachedView& operator=(const CachedView&) = delete;
  ~CachedView() {
    if (cached_) (void)spark_.Sql(std::string("UNCACHE TABLE IF EXISTS ") + kMovimentosView).Collect();
  }

  Status Ensure() {
    if (cached_) return Status::Ok();
    auto done = spark_.Sql(std::string("CACHE TABLE ") + kMovimentosView).Collect();
    if (!done.ok()) return done.status().WithContext("Spark could not cache " + CuratedFlatTable() + " for the gold tables");
    cached_ = true;
    return Status::Ok();
  }

 private:
  spark::SparkSession& spark_;
  bool cached_ = false;
};

}  // namespace

std::string GoldTable(const std::string& table) { return std::string(kCatalog) + ".gold." + table; }

Result<GoldSummary> BuildGold(spark::SparkSession& spark, const std::function<void(const std::string&)>& log) {
  auto created = spark.Sql(std::string("CREATE NAMESPACE IF NOT EXISTS ") + kCatalog + ".gold").Collect();
  if (!created.ok()) return created.status().WithContext("Spark could not create the lake's namespace gold");
  SICOOP_ASSIGN_OR_RETURN(std::vector<TableSnapshot> curated, CurrentHistory(spark, CuratedFlatTable()));
  GoldSummary summary;
  summary.curated_snapshot_id = curated.empty() ? "" : curated.back().id;
  SICOOP_RETURN_IF_ERROR(DefineView(spark, ""));
  const GoldQuery tables[] = {
      {kGoldMemberMonth, MemberMonthQuery(), true},
      {kGoldMemberMonthCategory, MemberMonthCategoryQuery(), true},
      // Recomputed whole whenever curated has new movimentos: their windows end at curated's last
      // movimento, so a new movimento can change every row.
      {kGoldCardFeatures, FeaturesQuery("id_cartao", "id_cartao, id_conta, id_associado", ""), false},
      {kGoldMemberFeatures,
       FeaturesQuery("id_associado", "id_associado",
                     ", count(DISTINCT id_cartao) AS cartoes, count(DISTINCT id_conta) AS contas"),
       false},
  };
  CachedView whole_view(spark);
  for (const GoldQuery& gold : tables) {
    const std::string table = GoldTable(gold.name);
    SICOOP_RETURN_IF_ERROR(CreateTable(spark, table, gold.query, gold.per_month, log));
    SICOOP_ASSIGN_OR_RETURN(std::vector<TableSnapshot> history, CurrentHistory(spark, table));
    SICOOP_ASSIGN_OR_RETURN(Plan plan, ChoosePlan(spark, gold, history, curated));
    GoldTableSummary& done = summary.tables[gold.name];
    if (plan.kind == Plan::Kind::kUpToDate) {
      log("build " + table + ": nothing to do, " + plan.reason);
      done.mode = "up to date";
    } else {
      log("build " + table + ": " + (plan.kind == Plan::Kind::kMonths ? "recompute the months touched (" : "rebuild (") +
          plan.reason + ")");
      if (plan.kind == Plan::Kind::kMonths) {
        SICOOP_RETURN_IF_ERROR(DefineView(spark, MonthsFilter(plan.months)));
        for (const std::string& month : plan.months) done.months.push_back(month.substr(0, 7));
        done.mode = "months recomputed";
      } else {
        done.mode = "rebuilt";
      }
      if (!gold.per_month) SICOOP_RETURN_IF_ERROR(whole_view.Ensure());
      SICOOP_RETURN_IF_ERROR(WriteTable(spark, table, gold.query, plan, summary.curated_snapshot_id));
      if (plan.kind == Plan::Kind::kMonths) SICOOP_RETURN_IF_ERROR(DefineView(spark, ""));
      SICOOP_ASSIGN_OR_RETURN(history, CurrentHistory(spark, table));
    }
    if (history.empty()) return Status::Failure("the lake's " + table + " has no commit after its build");
    done.snapshot_id = history.back().id;
    done.rows = ParseInteger(Property(history.back(), "total-records")).value_or(-1);
  }
  return summary;
}

}  // namespace sicoop::lake
