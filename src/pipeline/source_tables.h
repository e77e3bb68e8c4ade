// The source tables as the ETL extracts them. Each is read through JDBC as a subquery that renders
// its timestamp columns as 'YYYY-MM-DD HH:MM:SS' text inside the database: the wall-clock value
// stored in the source reaches the CSV unchanged, whatever the time zone of the JVM, the Spark
// session or the machine (docs/output-contract.md), because no timestamp value ever crosses JDBC.
#pragma once

#include <array>
#include <string>

#include "db/db_url.h"
#include "db/tables.h"

namespace sicoop::pipeline {

// A source table is read as db/tables.h describes it: the small dimension tables on their primary
// key (and broadcast in the join); the fact table, the one with a time column, in slices of that
// column.
using SourceTable = db::TableDesc;

// associado, conta, cartao, movimento.
const std::array<SourceTable, 4>& SourceTables();

// The fact table's time column as its subquery also exposes it, unformatted: `<time_column>_raw`,
// so that the database can use its index for each slice.
std::string RawTimeColumn(const SourceTable& table);

// The SELECT that extracts `table` from a database of `dialect`, wrapped as a JDBC `dbtable`
// subquery: "(SELECT ... FROM movimento) AS movimento_src". It reads the columns the flat view
// uses, in the table's order, of the rows that meet `condition` (SQL; empty: every row); amounts
// stay decimals and are rendered by Spark.
std::string ExtractSubquery(db::Dialect dialect, const SourceTable& table, const std::string& condition = "");

// `column` of a timestamp type rendered as 'YYYY-MM-DD HH:MM:SS' text in `dialect`'s SQL.
std::string WallClockSql(db::Dialect dialect, const std::string& column);

}  // namespace sicoop::pipeline
