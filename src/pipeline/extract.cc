#include "pipeline/extract.h"

#include <algorithm>
#include <cstdlib>

namespace sicoop::pipeline {
namespace {

constexpr int64_t kRowsPerPartition = 250000;
constexpr int64_t kMinRowsToSplit = 20000;
constexpr int kMaxPartitions = 256;

std::optional<int64_t> ParseOptionalInt(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::nullopt;
  return std::strtoll(text->c_str(), nullptr, 10);
}

}  // namespace

Result<KeyRange> ReadKeyRange(db::Connection& source, const SourceTable& table) {
  const std::string& key = table.key_column;
  auto rows = source.Query("SELECT MIN(" + key + "), MAX(" + key + "), COUNT(*) FROM " + table.name);
  if (!rows.ok()) return rows.status().WithContext("reading the key range of table " + table.name);
  if (rows->size() != 1 || rows->front().size() != 3) {
    return Status::Failure("unexpected answer to the key range query of table " + table.name);
  }
  const auto& row = rows->front();
  KeyRange range;
  range.min_key = ParseOptionalInt(row[0]);
  range.max_key = ParseOptionalInt(row[1]);
  range.rows = ParseOptionalInt(row[2]).value_or(0);
  return range;
}

int PartitionCount(const KeyRange& range, int requested) {
  if (!range.min_key || !range.max_key) return 1;
  int64_t keys = *range.max_key - *range.min_key + 1;
  int64_t count = requested;
  if (count <= 0) {
    if (range.rows < kMinRowsToSplit) return 1;
    count = std::clamp<int64_t>((range.rows + kRowsPerPartition - 1) / kRowsPerPartition, 2,
                                kMaxPartitions);
  }
  return static_cast<int>(std::max<int64_t>(1, std::min(count, keys)));
}

std::map<std::string, std::string> JdbcReadOptions(const db::DbUrl& source, const SourceTable& table,
                                                   const KeyRange& range, int partitions) {
  std::map<std::string, std::string> options = {
      {"url", source.JdbcUrl()},
      {"dbtable", ExtractSubquery(source.dialect, table)},
      {"user", source.user},
      {"password", source.password},
      {"driver", source.dialect == db::Dialect::kPostgres ? "org.postgresql.Driver"
                                                          : "com.mysql.cj.jdbc.Driver"},
      // Rows stream in batches of this size instead of the whole result set landing in memory.
      {"fetchsize", "10000"},
  };
  if (partitions > 1 && range.min_key && range.max_key) {
    options["partitionColumn"] = table.key_column;
    options["lowerBound"] = std::to_string(*range.min_key);
    options["upperBound"] = std::to_string(*range.max_key + 1);
    options["numPartitions"] = std::to_string(partitions);
  }
  return options;
}

}  // namespace sicoop::pipeline
