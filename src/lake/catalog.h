// Where the lake's tables live and what they are called (docs/lake.md). The lake is an Iceberg
// warehouse at a Hadoop path (a local folder, or later an object-store prefix): a Hadoop catalog
// that each Spark session defines for itself under the name kCatalog, so nothing changes on the
// server and spark_catalog stays the server's own. Its namespaces: `raw`, the source tables as
// ingested; `curated`, the flat view built from them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "db/tables.h"
#include "spark/session.h"

namespace sicoop::lake {

inline constexpr const char* kCatalog = "sicoop_lake";

// The session settings that define the catalog over the warehouse at `location`.
std::map<std::string, std::string> CatalogConf(const std::string& location);

// "sicoop_lake.raw.<table>": the source table `table` as ingested.
std::string RawTable(const db::TableDesc& table);
// "sicoop_lake.curated.movimento_flat".
std::string CuratedFlatTable();
// "sicoop_lake.rotulos.movimento_anomalia": the labels of the seed's injected anomalies, in a
// namespace of their own so that nothing built from raw takes them in.
std::string LabelsTable();

// The properties each ingest attaches to its commit of the raw fact table (Iceberg snapshot
// summary), which is how a run's progress is committed in the same atomic step as its rows.
inline constexpr const char* kWatermarkProperty = "sicoop.watermark";  // the highest movimento id read
inline constexpr const char* kRunProperty = "sicoop.run-id";          // the run that committed

// raw.cartao holds no card number (PCI DSS): these two columns stand for num_cartao.
inline constexpr const char* kMaskedCardColumn = "num_cartao_mascarado";  // all but the last four digits '*'
inline constexpr const char* kCardTokenColumn = "num_cartao_token";       // keyed HMAC-SHA256, hex (card_token.h)

// The table properties of every table sicoop creates: Iceberg format 2, and Parquet dictionaries
// of up to 16 MiB, so that a column with some hundred thousand distinct values (the card token, the
// masked number, names) is stored as dictionary indexes rather than its text on every row (at the
// default of 2 MiB, such a column falls back to plain text).
inline constexpr const char* kTableProperties =
    "'format-version' = '2', 'write.parquet.dict-size-bytes' = '16777216'";

// The columns every raw table gets besides its source columns.
inline constexpr const char* kRunColumn = "_sicoop_run_id";          // the run that wrote the row
inline constexpr const char* kIngestedAtColumn = "_sicoop_ingested_at";  // when (TIMESTAMP, UTC)

// Defines the catalog in `spark`'s session over the warehouse at `location` and creates its
// namespaces when missing.
Status OpenLake(spark::SparkSession& spark, const std::string& location);

// Defines the catalog over the lake at `location` for reading: nothing is written into it, and a
// location that holds no lake (no `raw` namespace) is an error that says so.
Status OpenLakeToRead(spark::SparkSession& spark, const std::string& location);

// Whether `status` is Spark's failure for a table (or a metadata table of one) that does not exist.
bool IsMissingTable(const Status& status);

// A column as Spark describes it: its name and its Spark SQL type ("bigint", "decimal(38,2)").
struct LakeColumn {
  std::string name;
  std::string type;
};

// The columns of `table` (a full name); empty when the table does not exist.
Result<std::vector<LakeColumn>> TableColumns(spark::SparkSession& spark, const std::string& table);

// The columns a query would give, without running it.
Result<std::vector<LakeColumn>> QueryColumns(spark::SparkSession& spark, const std::string& query);

// A snapshot (commit) of a table, from its `snapshots` metadata table.
struct TableSnapshot {
  std::string id;
  std::string committed_at;  // UTC, 'YYYY-MM-DD HH:MM:SS.fff'
  std::string operation;     // append, overwrite, ...
  std::map<std::string, std::string> summary;  // Iceberg's figures and sicoop's properties
};

// The snapshots of `table` that led to its current state, oldest first; empty when the table does
// not exist or has none.
Result<std::vector<TableSnapshot>> CurrentHistory(spark::SparkSession& spark, const std::string& table);

// The watermark of the lake: the highest movimento id its raw fact table covers, as committed by
// the last ingest in the table's current history; nullopt before the first ingest.
Result<std::optional<int64_t>> Watermark(spark::SparkSession& spark);
// The same, from the raw fact table's `history` (CurrentHistory) already read.
Result<std::optional<int64_t>> WatermarkOf(const std::vector<TableSnapshot>& history);

}  // namespace sicoop::lake
