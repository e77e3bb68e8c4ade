// The gold tables (docs/features.md, docs/lake.md "Gold"): what the lake is for, built by Spark from
// curated.movimento_flat in the build phase, right after curated, in the namespace `gold`:
//   gold.associado_mes            per member and month: movimentos, purchases, spending, average
//                                 ticket, refunds, cards and accounts in use;
//   gold.associado_mes_categoria  per member, month and merchant category: purchases and spending;
//   gold.features_cartao          the modelling features of each card;
//   gold.features_associado       the same over each member's movimentos, with cards and accounts.
// A movimento's category is its merchant's in the catalog (common/merchant_catalog.h), "outros" for a
// merchant not in it. Each table's commit records the curated snapshot it was built from: a build
// after curated only appended recomputes the per-month tables' months those appends touched (one
// commit per table replacing those months); after curated was rebuilt, it rebuilds them; when
// curated has no new movimento, it does nothing. The feature tables are recomputed whole whenever
// curated has new movimentos. Each table is replaced in one commit, so a failed build leaves its previous content.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "spark/session.h"

namespace sicoop::lake {

// "sicoop_lake.gold.<table>".
std::string GoldTable(const std::string& table);

inline constexpr const char* kGoldMemberMonth = "associado_mes";
inline constexpr const char* kGoldMemberMonthCategory = "associado_mes_categoria";
inline constexpr const char* kGoldCardFeatures = "features_cartao";
inline constexpr const char* kGoldMemberFeatures = "features_associado";

struct GoldTableSummary {
  // "rebuilt", "months recomputed" (the per-month tables, after curated appended) or "up to date"
  // (no new movimento in curated since the table's last build).
  std::string mode;
  std::vector<std::string> months;  // "months recomputed": the months replaced, "YYYY-MM", ascending
  int64_t rows = 0;                 // rows of the table after the build
  std::string snapshot_id;
};

struct GoldSummary {
  std::string curated_snapshot_id;  // what the tables were built from
  std::map<std::string, GoldTableSummary> tables;  // by table name (kGoldMemberMonth, ...)
};

// Builds the gold tables from curated in the lake open in `spark`'s session. The caller holds the
// lake's lock and has built curated.
Result<GoldSummary> BuildGold(spark::SparkSession& spark, const std::function<void(const std::string&)>& log);

}  // namespace sicoop::lake
