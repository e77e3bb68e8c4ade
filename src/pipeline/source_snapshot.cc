#include "pipeline/source_snapshot.h"

#include <utility>

#include "common/numbers.h"

namespace sicoop::pipeline {
namespace {

const SourceTable& FactTable() {
  for (const SourceTable& table : SourceTables()) {
    if (table.is_fact()) return table;
  }
  return SourceTables().back();
}

}  // namespace

SourceSnapshot::SourceSnapshot(SourceSnapshot&& other) noexcept
    : source_(std::exchange(other.source_, nullptr)),
      transaction_open_(std::exchange(other.transaction_open_, false)),
      profiles_(std::move(other.profiles_)),
      instant_(std::move(other.instant_)) {}

SourceSnapshot::~SourceSnapshot() {
  // A failed run: what Spark read no longer matters, and a connection that broke has no
  // transaction left to end.
  if (source_ != nullptr && transaction_open_) (void)source_->Execute("ROLLBACK");
}

Result<SourceSnapshot> SourceSnapshot::Take(db::Connection& source, std::optional<int64_t> fact_above) {
  SourceSnapshot snapshot(source);
  const bool pg = source.dialect() == db::Dialect::kPostgres;
  // A session's default isolation may be anything; the snapshot needs REPEATABLE READ. On
  // PostgreSQL the snapshot is taken by the first query, pg_export_snapshot(); a server-wide
  // idle_in_transaction_session_timeout must not end the transaction while Spark works (pg_dump
  // turns it off likewise).
  Status begun = source.Execute(pg ? "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; "
                                     "SET LOCAL idle_in_transaction_session_timeout = 0"
                                   : "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; "
                                     "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
  if (!begun.ok()) return begun.WithContext("starting the snapshot the run reads the source at");
  snapshot.transaction_open_ = true;
  if (pg) {
    auto exported = source.Query("SELECT pg_export_snapshot()");
    if (!exported.ok()) return exported.status().WithContext("exporting the snapshot the run reads the source at");
    if (exported->size() != 1 || exported->front().empty() || !exported->front()[0]) {
      return Status::Failure(source.Describe() + " gave no snapshot id to SELECT pg_export_snapshot()");
    }
    // Spark's PostgreSQL dialect turns autocommit off before it runs this (it streams rows with a
    // fetch size only then), so pgjdbc has begun a transaction: SET TRANSACTION shapes that one.
    snapshot.instant_.session_options["sessionInitStatement"] =
        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET TRANSACTION SNAPSHOT " +
        source.QuoteLiteral(*exported->front()[0]);
  }
  const SourceTable& fact = FactTable();
  const std::string above = fact_above ? fact.primary_key + " > " + std::to_string(*fact_above) : "";
  for (const SourceTable& table : SourceTables()) {
    // An incremental read on PostgreSQL needs only the fact table's key range, which its primary
    // key's index gives without touching the rows; MySQL's End() compares a count.
    const bool keys_only = table.is_fact() && !above.empty() && pg;
    SICOOP_ASSIGN_OR_RETURN(TableProfile profile, ProfileTable(source, table, table.is_fact() ? above : "", keys_only));
    snapshot.profiles_[table.name] = std::move(profile);
  }
  if (!pg) {
    const TableProfile& profile = snapshot.profiles_[fact.name];
    // An empty table has no mark: nothing of it is read, whatever is inserted meanwhile.
    snapshot.instant_.fact_condition =
        profile.max_key ? (above.empty() ? "" : above + " AND ") + fact.primary_key + " <= " + std::to_string(*profile.max_key)
                        : "1 = 0";
    // The mark is fixed; holding the snapshot longer would only keep old row versions alive.
    Status ended = source.Execute("COMMIT");
    if (!ended.ok()) return ended.WithContext("ending the snapshot the run reads the source at");
    snapshot.transaction_open_ = false;
  }
  return snapshot;
}

Status SourceSnapshot::End() {
  if (transaction_open_) {
    transaction_open_ = false;
    // Every JDBC session has adopted the snapshot by now (Spark's write succeeded): the outcome of
    // ending a read-only transaction changes nothing that was read.
    (void)source_->Execute("COMMIT");
  }
  if (instant_.fact_condition.empty()) return Status::Ok();
  const SourceTable& fact = FactTable();
  auto counted = source_->Query("SELECT COUNT(*) FROM " + fact.name + " WHERE " + instant_.fact_condition);
  if (!counted.ok()) return counted.status().WithContext("checking that table " + fact.name + " held still");
  std::optional<int64_t> now;
  if (counted->size() == 1 && !counted->front().empty() && counted->front()[0]) now = ParseInteger(*counted->front()[0]);
  const int64_t before = Profile(fact).rows;
  if (now == before) return Status::Ok();
  return Status::Failure(
      "table " + fact.name + " of " + source_->Describe() + " changed under the run: " + std::to_string(before) +
      " rows with " + instant_.fact_condition + " when the run started, " + (now ? std::to_string(*now) : "an unreadable count") +
      " after Spark read them — rows were deleted, or committed with ids below the high-water mark after it was "
      "fixed, so the file would not be one state of the database and was not published. On MySQL/MariaDB sicoop's "
      "reads are consistent for a ledger whose rows are only inserted, with ids growing in commit order "
      "(docs/output-contract.md); run again");
}

}  // namespace sicoop::pipeline
