// Ingestion, source -> raw (docs/lake.md): Spark reads the four source tables over JDBC, at one
// instant of the source (pipeline/source_snapshot.h), into the lake's raw tables.
//  - The dimensions (associado, conta, cartao) are read whole and merged by key: a row new in the
//    source is inserted, a changed one updated, one gone from the source deleted. The table's
//    history keeps every earlier state (time travel).
//  - movimento is a ledger, appended to: only the ids above the lake's watermark are read, plus a
//    look-back of `lookback` ids below it for rows whose transactions committed after an earlier
//    run read past their ids; rows already in the lake are left out by id. The new watermark is
//    committed as a property of that same append, so the rows and the watermark that covers them
//    land in one atomic commit or not at all: a run killed anywhere, run again, gives the lake an
//    uninterrupted run would have.
//  - Card numbers never reach the lake: cartao keeps the masked number and a keyed token.
//  - The labels of the seed's injected anomalies (movimento_anomalia), when the source has them,
//    are copied whole to their own namespace (catalog.h, LabelsTable) at the same instant, and
//    nothing else reads them: never curated, gold or the CSV.
//  - A column added to a source table is added to its raw table; a column of the raw table that
//    the source no longer has, or whose type changed, stops the run before anything is committed.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "db/connection.h"
#include "db/db_url.h"
#include "spark/session.h"

namespace sicoop::lake {

inline constexpr int64_t kDefaultLookback = 10000;

struct IngestOptions {
  db::DbUrl source;
  int64_t lookback = kDefaultLookback;  // movimento ids re-read below the watermark
  int partitions = 0;                   // JDBC partitions of movimento; 0 = derived from its size
  // The Spark SQL expression of the keyed token of the card number in the text column named by its
  // argument (card_token.h).
  std::function<std::string(const std::string& column)> card_token_sql;
  std::string run_id;  // written into every row and commit of the run
};

// What the ingest did to one raw table.
struct TableIngest {
  // Rows of the source table at the run's instant; movimento: those the run read (ids above
  // read_from_id up to the watermark), as the lake holds them after the run.
  int64_t source_rows = 0;
  int64_t rows_added = 0;   // movimento: rows the run's append added (the dimensions are merged)
  // The dimensions: what their merge did, by key.
  int64_t rows_inserted = 0;
  int64_t rows_updated = 0;
  int64_t rows_deleted = 0;
  int64_t rows_in_lake = 0;
  std::string snapshot_id;  // the table's current snapshot after the run
};

struct IngestSummary {
  std::map<std::string, TableIngest> tables;
  std::optional<int64_t> watermark_before;
  std::optional<int64_t> watermark_after;
  int64_t read_from_id = 0;                  // movimento ids above this one were read
  std::vector<std::string> columns_added;    // "table.column", new in the source
  std::string warning;                       // a look-back matter the next run covers; empty for none
};

// Ingests `source` (an open connection whose schema the caller checked, db::CheckSchema; it holds
// the run's snapshot until the end) into the lake that `spark`'s session has open (OpenLake). The
// caller holds the lake's lock.
Result<IngestSummary> Ingest(spark::SparkSession& spark, db::Connection& source, const IngestOptions& options,
                             const std::function<void(const std::string&)>& log);

}  // namespace sicoop::lake
