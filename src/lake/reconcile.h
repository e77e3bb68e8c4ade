// Reconciliation of the lake with its source (docs/lake.md, "Verify"): per day of data_movimento,
// the count and the sum of vlr_transacao of
//  - the source's movimentos up to the lake's watermark, against raw.movimento, and
//  - those of them the inner join of the four source tables keeps, against curated.movimento_flat.
// Every day on which a side differs is reported with the figures of each side. Nothing is written
// into the lake, and no lock is taken: each lake table is read at one snapshot, the raw one being
// the snapshot whose watermark bounds the source's side.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "db/connection.h"
#include "spark/session.h"

namespace sicoop::lake {

// The movimentos of one day on one side.
struct DayFigures {
  int64_t rows = 0;
  std::string amount = "0.00";  // the sum of vlr_transacao, exact decimal text with two places

  bool operator==(const DayFigures&) const = default;
};

struct DayReconciliation {
  std::string day;             // YYYY-MM-DD, the calendar date of data_movimento (no time zone)
  DayFigures source;           // the source's movimentos with id <= the watermark
  DayFigures raw;              // raw.movimento
  DayFigures source_joined;    // of `source`, those whose cartao, conta and associado exist
  std::optional<DayFigures> curated;  // curated.movimento_flat; nullopt when it was never built

  bool RawDiffers() const { return source != raw; }
  bool CuratedDiffers() const { return curated && source_joined != *curated; }
};

struct Reconciliation {
  int64_t watermark = 0;
  std::string raw_snapshot_id;
  std::string curated_snapshot_id;  // empty when the curated table was never built
  int64_t days = 0;                 // days with movimentos on any side
  // The rows of each side over every day.
  int64_t source_rows = 0, raw_rows = 0, source_joined_rows = 0, curated_rows = 0;
  std::vector<DayReconciliation> differing;  // the days on which raw or curated differ, in date order
};

// Reconciles the lake open in `spark`'s session (OpenLakeToRead) with `source` (its schema checked,
// db::CheckSchema). A lake no ingest has committed to is an error.
Result<Reconciliation> Reconcile(spark::SparkSession& spark, db::Connection& source);

}  // namespace sicoop::lake
