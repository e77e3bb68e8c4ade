// Where the lake's tables live and what they are called (docs/lake.md). The lake is an Iceberg
// warehouse at a Hadoop path (a local folder, or later an object-store prefix): a Hadoop catalog
// that each Spark session defines for itself under the name kCatalog, so nothing changes on the
// server and spark_catalog stays the server's own. Its namespaces: `raw`, the source tables as
// ingested; `curated`, the flat view built from them.
#pragma once

#include <map>
#include <string>

#include "db/tables.h"

namespace sicoop::lake {

inline constexpr const char* kCatalog = "sicoop_lake";

// The session settings that define the catalog over the warehouse at `location`.
std::map<std::string, std::string> CatalogConf(const std::string& location);

// "sicoop_lake.raw.<table>": the source table `table` as ingested.
std::string RawTable(const db::TableDesc& table);
// "sicoop_lake.curated.movimento_flat".
std::string CuratedFlatTable();

// The properties each ingest attaches to its commit of the raw fact table (Iceberg snapshot
// summary), which is how a run's progress is committed in the same atomic step as its rows.
inline constexpr const char* kWatermarkProperty = "sicoop.watermark";  // the highest movimento id read
inline constexpr const char* kRunProperty = "sicoop.run-id";          // the run that committed

// The columns every raw table gets besides its source columns.
inline constexpr const char* kRunColumn = "_sicoop_run_id";          // the run that wrote the row
inline constexpr const char* kIngestedAtColumn = "_sicoop_ingested_at";  // when (TIMESTAMP, UTC)

}  // namespace sicoop::lake
