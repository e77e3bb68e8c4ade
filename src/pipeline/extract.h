// Extraction: how Spark reads each source table over JDBC.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "common/status.h"
#include "db/connection.h"
#include "db/db_url.h"
#include "pipeline/source_tables.h"

namespace sicoop::pipeline {

// What the source says about a table's key: its range and its row count.
struct KeyRange {
  std::optional<int64_t> min_key;  // absent when the table is empty
  std::optional<int64_t> max_key;
  int64_t rows = 0;
};

// Reads min(key), max(key) and count(*) of `table` from the source.
Result<KeyRange> ReadKeyRange(db::Connection& source, const SourceTable& table);

// How many JDBC partitions to read a table of `range` with: `requested` when positive, else one
// per ~250k rows (at least 2 for a table of 20k rows or more, at most 256), never more than there
// are keys.
int PartitionCount(const KeyRange& range, int requested);

// The Spark JDBC data-source options that read `table` from `source` in `partitions` partitions on
// its key. Credentials go in the "user"/"password" options, never in the JDBC URL, because Spark
// redacts option values whose key matches spark.redaction.regex but not URLs.
std::map<std::string, std::string> JdbcReadOptions(const db::DbUrl& source, const SourceTable& table,
                                                   const KeyRange& range, int partitions);

}  // namespace sicoop::pipeline
