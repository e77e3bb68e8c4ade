// Extraction: how Spark reads each source table over JDBC. The small dimension tables are read on
// their key; the big movimento table is read in time slices of data_movimento, one JDBC partition
// each (see time_slices.h), so that Spark never has to shuffle it to sort it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "db/connection.h"
#include "db/db_url.h"
#include "pipeline/source_tables.h"

namespace sicoop::pipeline {

// What the source says about a table when the run starts.
struct TableProfile {
  int64_t rows = 0;                // 0 too when not counted (ProfileTable's keys_only)
  std::optional<int64_t> min_key;  // absent when the table is empty
  std::optional<int64_t> max_key;
  std::string first_time;          // fact table only: MIN and MAX of its time column as
  std::string last_time;           // 'YYYY-MM-DD HH:MM:SS'; empty when the table is empty
};

// Reads the row count, the key range and (for the fact table) the time range of `table`, or of its
// rows that meet `condition` (SQL; empty: every row). With `keys_only`, the key range alone (rows
// left 0, no time range): what the primary key's index answers without reading the rows.
Result<TableProfile> ProfileTable(db::Connection& source, const SourceTable& table, const std::string& condition = "",
                                  bool keys_only = false);

// How many JDBC partitions to read a table of `rows` with: `requested` when positive; else one per
// ~250k rows, rounded up to a multiple of `parallelism` (the task slots of the Spark cluster) so
// that no slot idles in the last wave, while keeping partitions of at least 10k rows; whole below
// 20k rows, at most 256.
int PartitionCount(int64_t rows, int requested, int parallelism);

// What makes every JDBC read of a run see one instant of the source (source_snapshot.h).
struct ReadInstant {
  // Options for every JDBC session (PostgreSQL: a sessionInitStatement that adopts the snapshot).
  std::map<std::string, std::string> session_options;
  // The condition the fact table's rows read must meet (MySQL: "id <= <high-water mark>"); empty
  // for none.
  std::string fact_condition;
};

// A Spark JDBC read: data-source options, and one WHERE predicate per partition (empty: Spark
// partitions by the options or reads the table in one partition).
struct JdbcRead {
  std::map<std::string, std::string> options;
  std::vector<std::string> predicates;
};

// How Spark reads `table` from `source` in `partitions` partitions, at `instant` (by default none:
// each JDBC session reads the table as it is then). Credentials go in the "user"/"password"
// options, never in the JDBC URL, because Spark redacts option values whose key matches
// spark.redaction.regex but not URLs.
JdbcRead PlanJdbcRead(const db::DbUrl& source, const SourceTable& table, const TableProfile& profile,
                      int partitions, const ReadInstant& instant = {});

// How Spark reads the rows of `dbtable` (a table name or a parenthesised subquery with an alias)
// from `source`, at `instant`'s session options (its fact condition is the caller's to put in
// `dbtable`): one partition per predicate of `predicates`, or the whole in one partition when empty.
JdbcRead PlanJdbcQuery(const db::DbUrl& source, const std::string& dbtable, const ReadInstant& instant,
                       std::vector<std::string> predicates = {});

// `partitions` predicates that split the integer keys [first, last] of `column` into consecutive
// ranges of (nearly) equal width, in key order; one "TRUE" when `partitions` <= 1.
std::vector<std::string> KeyRangePredicates(const std::string& column, int64_t first, int64_t last, int partitions);

// `failure`, of a Spark job that read `source` over JDBC, preceded by the source, the wait and what
// to do when the driver's socket, login or connect timeout ended it (source.timeouts, in the JDBC
// URL): Spark's own message ("Read timed out") names neither the server nor the wait.
Status ExplainJdbcTimeout(const Status& failure, const db::DbUrl& source);

}  // namespace sicoop::pipeline
