// The build, raw -> curated (docs/lake.md): the flat view of the raw tables as the Iceberg table
// curated.movimento_flat, partitioned by the month of data_movimento and written in data_movimento,
// id order. The flat view's columns keep their types there (amounts as decimals, timestamps as
// TIMESTAMP_NTZ, the card number masked), beside the ids a reader joins on and the card's token.
// A build replaces the table's content in one commit from the raw tables' current state, so an
// update or a deletion of a dimension reaches every row it touches; when the dimensions have not
// changed since the last build (and it left no movimento out), it adds the new movimentos only.
// Each commit records what it was built from, and the table's rows are checked against the join's
// count.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/status.h"
#include "spark/session.h"

namespace sicoop::lake {

// The movimento id column of curated.movimento_flat.
inline constexpr const char* kCuratedIdColumn = "id_movimento";
// Its time column, by whose month (Iceberg's months()) the table is partitioned.
inline constexpr const char* kCuratedTimeColumn = "data_movimento";

struct BuildSummary {
  std::string mode;            // "rebuilt", "appended" (the new movimentos only) or "up to date"
  int64_t raw_movimentos = 0;  // rows of raw.movimento
  int64_t rows = 0;            // rows of the curated table after the build
  // Movimentos of raw the inner join left out, by the first link missing.
  int64_t dropped_no_cartao = 0;
  int64_t dropped_no_conta = 0;
  int64_t dropped_no_associado = 0;
  // The sums of vlr_transacao, as decimal text: of raw.movimento, and of the curated rows.
  std::string raw_amount = "0.00";
  std::string amount = "0.00";
  std::string snapshot_id;
};

// Builds the curated table in the lake open in `spark`'s session. The caller holds the lake's lock.
Result<BuildSummary> BuildCurated(spark::SparkSession& spark, const std::function<void(const std::string&)>& log);

}  // namespace sicoop::lake
