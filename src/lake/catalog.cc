#include "lake/catalog.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "common/calendar.h"
#include "common/numbers.h"

namespace sicoop::lake {
namespace {

// The rows of DESCRIBE up to the first blank or '#' line (where partitioning and details begin).
Result<std::vector<LakeColumn>> Described(spark::SparkSession& spark, const std::string& statement) {
  SICOOP_ASSIGN_OR_RETURN(spark::Rows rows, spark.Sql(statement).Collect());
  std::vector<LakeColumn> columns;
  for (const spark::Row& row : rows.rows) {
    if (row.size() < 2 || !row[0] || row[0]->empty() || (*row[0])[0] == '#') break;
    columns.push_back({*row[0], row[1].value_or("")});
  }
  return columns;
}

}  // namespace

bool IsMissingTable(const Status& status) {
  return status.message().find("TABLE_OR_VIEW_NOT_FOUND") != std::string::npos;
}

std::map<std::string, std::string> CatalogConf(const std::string& location) {
  const std::string prefix = std::string("spark.sql.catalog.") + kCatalog;
  return {
      {prefix, "org.apache.iceberg.spark.SparkCatalog"},
      {prefix + ".type", "hadoop"},
      {prefix + ".warehouse", location},
  };
}

std::string RawTable(const db::TableDesc& table) { return std::string(kCatalog) + ".raw." + table.name; }

std::string CuratedFlatTable() { return std::string(kCatalog) + ".curated.movimento_flat"; }
std::string LabelsTable() { return std::string(kCatalog) + ".rotulos." + db::MovimentoAnomalia().name; }

namespace {

Status DefineCatalog(spark::SparkSession& spark, const std::string& location) {
  std::map<std::string, std::string> conf = CatalogConf(location);
  // Text read over JDBC is typed VARCHAR(n), which Spark 4.0.1 carries as string metadata that its
  // optimizer then fails on when an Iceberg table is written ("SimplifyCasts ... generated an
  // invalid plan"); read as plain strings, the rows are the same and the write works.
  conf["spark.sql.legacy.charVarcharAsString"] = "true";
  Status set = spark.SetConf(conf);
  if (!set.ok()) return set.WithContext("Spark could not define the lake's Iceberg catalog over " + location);
  return Status::Ok();
}

}  // namespace

Status OpenLake(spark::SparkSession& spark, const std::string& location) {
  SICOOP_RETURN_IF_ERROR(DefineCatalog(spark, location));
  for (const char* ns : {"raw", "curated"}) {
    auto created = spark.Sql(std::string("CREATE NAMESPACE IF NOT EXISTS ") + kCatalog + "." + ns).Collect();
    if (!created.ok()) {
      return created.status().WithContext(
          "Spark could not open the lake at " + location +
          " (is the Iceberg runtime on the Spark server's jars? 'sicoop doctor' checks the local one)");
    }
  }
  return Status::Ok();
}

Status OpenLakeToRead(spark::SparkSession& spark, const std::string& location) {
  SICOOP_RETURN_IF_ERROR(DefineCatalog(spark, location));
  auto namespaces = spark.Sql(std::string("SHOW NAMESPACES IN ") + kCatalog).Collect();
  if (!namespaces.ok()) {
    return namespaces.status().WithContext(
        "Spark could not open the lake at " + location +
        " (is the Iceberg runtime on the Spark server's jars? 'sicoop doctor' checks the local one)");
  }
  for (const spark::Row& row : namespaces->rows) {
    if (!row.empty() && row[0] && *row[0] == "raw") return Status::Ok();
  }
  return Status::Failure("there is no lake at " + location +
                         ": no run has ingested into it (give --lake the folder of 'sicoop etl --lake' or "
                         "'sicoop lake ingest')");
}

Result<std::vector<LakeColumn>> TableColumns(spark::SparkSession& spark, const std::string& table) {
  // A missing table is told by DESCRIBE's error, as in CurrentHistory.
  auto columns = Described(spark, "DESCRIBE TABLE " + table);
  if (!columns.ok() && IsMissingTable(columns.status())) return std::vector<LakeColumn>{};
  return columns;
}

Result<std::vector<LakeColumn>> QueryColumns(spark::SparkSession& spark, const std::string& query) {
  return Described(spark, "DESCRIBE QUERY " + query);
}

Result<std::vector<TableSnapshot>> CurrentHistory(spark::SparkSession& spark, const std::string& table) {
  // Two metadata tables read alone, joined and ordered here: Spark spends more on joining and
  // sorting these few rows than on reading them (about 140 ms against 55 ms on a warm server, and a
  // run reads some twenty histories). A missing table is told by the first read's error rather than
  // by listing its namespace first, which would cost each history one more operation.
  auto ancestors =
      spark.Sql("SELECT CAST(snapshot_id AS STRING) FROM " + table + ".history WHERE is_current_ancestor").Collect();
  if (!ancestors.ok() && IsMissingTable(ancestors.status())) return std::vector<TableSnapshot>{};
  if (!ancestors.ok()) return ancestors.status();
  std::set<std::string> current;
  for (const spark::Row& row : ancestors->rows) {
    if (!row.empty() && row[0]) current.insert(*row[0]);
  }
  // One row per summary entry, the client reads no map values; the commit's instant as a number,
  // since Spark renders a timestamp in the session's time zone.
  SICOOP_ASSIGN_OR_RETURN(
      spark::Rows rows,
      spark.Sql("SELECT CAST(s.snapshot_id AS STRING), CAST(unix_millis(s.committed_at) AS STRING), s.operation, "
                "e.key, e.value FROM " + table + ".snapshots s LATERAL VIEW OUTER explode(s.summary) e AS key, value")
          .Collect());
  struct Commit {
    int64_t millis = 0;
    int64_t id = 0;
    TableSnapshot snapshot;
  };
  std::map<std::string, Commit> commits;
  for (const spark::Row& row : rows.rows) {
    if (row.size() < 5 || !row[0] || !current.contains(*row[0])) continue;
    auto [entry, added] = commits.try_emplace(*row[0]);
    Commit& commit = entry->second;
    if (added) {
      const std::optional<int64_t> millis = row[1] ? ParseInteger(*row[1]) : std::nullopt;
      commit.millis = millis.value_or(0);
      commit.id = ParseInteger(*row[0]).value_or(0);
      commit.snapshot = {*row[0], millis ? FormatUtcMillis(*millis) : "", row[2].value_or(""), {}};
    }
    if (row[3]) commit.snapshot.summary[*row[3]] = row[4].value_or("");
  }
  std::vector<Commit> ordered;
  for (auto& [id, commit] : commits) ordered.push_back(std::move(commit));
  std::sort(ordered.begin(), ordered.end(), [](const Commit& a, const Commit& b) {
    return std::tie(a.millis, a.id) < std::tie(b.millis, b.id);
  });
  std::vector<TableSnapshot> history;
  for (Commit& commit : ordered) history.push_back(std::move(commit.snapshot));
  return history;
}

Result<std::optional<int64_t>> Watermark(spark::SparkSession& spark) {
  SICOOP_ASSIGN_OR_RETURN(std::vector<TableSnapshot> history, CurrentHistory(spark, RawTable(db::Movimento())));
  return WatermarkOf(history);
}

Result<std::optional<int64_t>> WatermarkOf(const std::vector<TableSnapshot>& history) {
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    auto found = it->summary.find(kWatermarkProperty);
    if (found == it->summary.end()) continue;
    std::optional<int64_t> watermark = ParseInteger(found->second);
    if (!watermark) {
      return Status::Failure("the lake's commit " + it->id + " of " + RawTable(db::Movimento()) + " holds the watermark '" +
                             found->second + "', not a movimento id: the lake was written by something else");
    }
    return watermark;
  }
  return std::optional<int64_t>();
}

}  // namespace sicoop::lake
