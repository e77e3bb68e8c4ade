#include "pipeline/extract.h"

#include <algorithm>

#include "common/numbers.h"
#include "pipeline/time_slices.h"

namespace sicoop::pipeline {
namespace {

constexpr int64_t kRowsPerPartition = 250000;
constexpr int64_t kMinRowsToSplit = 20000;
constexpr int64_t kMinRowsPerPartition = 10000;
constexpr int kMaxPartitions = 256;

std::optional<int64_t> ParseOptionalInt(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return ParseInteger(*text);
}

}  // namespace

Result<TableProfile> ProfileTable(db::Connection& source, const SourceTable& table, const std::string& condition,
                                  bool keys_only) {
  const std::string& key = table.primary_key;
  std::string sql = std::string("SELECT ") + (keys_only ? "NULL" : "COUNT(*)") + ", MIN(" + key + "), MAX(" + key + ")";
  const bool times = table.is_fact() && !keys_only;
  if (times) {
    sql += ", " + WallClockSql(source.dialect(), "MIN(" + table.time_column + ")") + ", " +
           WallClockSql(source.dialect(), "MAX(" + table.time_column + ")");
  }
  auto rows = source.Query(sql + " FROM " + table.name + (condition.empty() ? "" : " WHERE " + condition));
  if (!rows.ok()) return rows.status().WithContext("reading the size of table " + table.name);
  if (rows->size() != 1 || rows->front().size() < (times ? 5u : 3u)) {
    return Status::Failure("unexpected answer to the size query of table " + table.name);
  }
  const auto& row = rows->front();
  TableProfile profile;
  profile.rows = ParseOptionalInt(row[0]).value_or(0);
  profile.min_key = ParseOptionalInt(row[1]);
  profile.max_key = ParseOptionalInt(row[2]);
  if (times) {
    profile.first_time = row[3].value_or("");
    profile.last_time = row[4].value_or("");
  }
  return profile;
}

int PartitionCount(int64_t rows, int requested, int parallelism) {
  if (requested > 0) return requested;
  if (rows < kMinRowsToSplit) return 1;
  int64_t slots = std::max(parallelism, 1);
  int64_t by_size = (rows + kRowsPerPartition - 1) / kRowsPerPartition;
  int64_t waves = (by_size + slots - 1) / slots;
  int64_t count = std::min(waves * slots, rows / kMinRowsPerPartition);
  return static_cast<int>(std::clamp<int64_t>(count, 2, kMaxPartitions));
}

JdbcRead PlanJdbcQuery(const db::DbUrl& source, const std::string& dbtable, const ReadInstant& instant,
                       std::vector<std::string> predicates) {
  JdbcRead read;
  read.options = {
      {"url", source.JdbcUrl()},
      {"dbtable", dbtable},
      {"user", source.user},
      {"password", source.password},
      {"driver", source.dialect == db::Dialect::kPostgres ? "org.postgresql.Driver"
                                                          : "com.mysql.cj.jdbc.Driver"},
      // Rows stream in batches of this size instead of the whole result set landing in memory. On
      // PostgreSQL only a fetch size makes Spark turn autocommit off, which the snapshot's
      // sessionInitStatement relies on (source_snapshot.cc).
      {"fetchsize", "10000"},
  };
  read.options.insert(instant.session_options.begin(), instant.session_options.end());
  read.predicates = std::move(predicates);
  return read;
}

std::vector<std::string> KeyRangePredicates(const std::string& column, int64_t first, int64_t last, int partitions) {
  const int64_t keys = last - first + 1;
  if (partitions <= 1 || keys <= 1) return {"TRUE"};
  const int64_t count = std::min<int64_t>(partitions, keys);
  std::vector<std::string> predicates;
  int64_t low = first;
  for (int64_t i = 1; i <= count; ++i) {
    // The i-th range ends before first + keys * i / count: every key in exactly one range.
    const int64_t end = first + static_cast<int64_t>((static_cast<__int128>(keys) * i) / count);
    predicates.push_back(column + " >= " + std::to_string(low) + " AND " + column + " < " + std::to_string(end));
    low = end;
  }
  return predicates;
}

JdbcRead PlanJdbcRead(const db::DbUrl& source, const SourceTable& table, const TableProfile& profile,
                      int partitions, const ReadInstant& instant) {
  JdbcRead read = PlanJdbcQuery(source, ExtractSubquery(source.dialect, table, table.is_fact() ? instant.fact_condition : ""),
                                instant);
  if (partitions <= 1 || !profile.min_key || !profile.max_key) return read;
  if (table.is_fact()) {
    read.predicates = TimeSlicePredicates(RawTimeColumn(table), profile.first_time,
                                          profile.last_time, partitions);
  } else {
    int64_t keys = *profile.max_key - *profile.min_key + 1;
    read.options["partitionColumn"] = table.primary_key;
    read.options["lowerBound"] = std::to_string(*profile.min_key);
    read.options["upperBound"] = std::to_string(*profile.max_key + 1);
    read.options["numPartitions"] = std::to_string(std::min<int64_t>(partitions, keys));
  }
  return read;
}

Status ExplainJdbcTimeout(const Status& failure, const db::DbUrl& source) {
  // pgjdbc: "Read timed out", "Connection attempt timed out"; Connector/J: "Read timed out",
  // "connect timed out".
  if (failure.message().find("timed out") == std::string::npos) return failure;
  return failure.WithContext(std::string(db::DialectName(source.dialect)) + " at " + source.Endpoint() +
                             " sent nothing for " + std::to_string(source.timeouts.read.count()) +
                             " s (or did not accept a connection within " +
                             std::to_string(source.timeouts.connect.count()) +
                             " s) while Spark read it over JDBC — the server may be stopped, overloaded or cut off "
                             "by the network: check it, or allow longer waits with --db-timeout");
}

}  // namespace sicoop::pipeline
