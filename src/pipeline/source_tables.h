// The four source tables as the ETL extracts them. Each is read through JDBC as a subquery that
// renders the timestamp columns as 'YYYY-MM-DD HH:MM:SS' text inside the database: the wall-clock
// value stored in the source reaches the CSV unchanged, whatever the time zone of the JVM, the
// Spark session or the machine (SPEC §4), because no timestamp value ever crosses JDBC.
#pragma once

#include <string>
#include <vector>

#include "db/db_url.h"

namespace sicoop::pipeline {

struct SourceTable {
  std::string name;        // the table in the source database, and the Spark temp view of it
  std::string key_column;  // integer primary key
  // For the big table: the timestamp column its JDBC partitions are sliced on, exposed unformatted
  // in the subquery as `<time_column>_raw` so the database can use its index for each slice.
  // Empty for the small dimension tables, which are broadcast in the join.
  std::string time_column;

  bool is_fact() const { return !time_column.empty(); }
  std::string raw_time_column() const { return time_column + "_raw"; }
};

// associado, conta, cartao, movimento.
const std::vector<SourceTable>& SourceTables();

// The SELECT that extracts `table` from a database of `dialect`, wrapped as a JDBC `dbtable`
// subquery: "(SELECT ... FROM movimento) AS movimento_src".
std::string ExtractSubquery(db::Dialect dialect, const SourceTable& table);

// `column` of a timestamp type rendered as 'YYYY-MM-DD HH:MM:SS' text in `dialect`'s SQL.
std::string WallClockSql(db::Dialect dialect, const std::string& column);

}  // namespace sicoop::pipeline
