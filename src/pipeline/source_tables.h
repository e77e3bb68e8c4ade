// The four source tables as the ETL extracts them. Each is read through JDBC as a subquery that
// renders the timestamp columns as 'YYYY-MM-DD HH:MM:SS' text inside the database: the wall-clock
// value stored in the source reaches the CSV unchanged, whatever the time zone of the JVM, the
// Spark session or the machine (SPEC §4), because no timestamp type ever crosses JDBC.
#pragma once

#include <string>
#include <vector>

#include "db/db_url.h"

namespace sicoop::pipeline {

struct SourceTable {
  std::string name;        // the table in the source database, and the Spark temp view of it
  std::string key_column;  // integer primary key: the column JDBC reads are partitioned on
  bool is_fact = false;    // the big table; the others are small dimensions, broadcast in the join
};

// associado, conta, cartao, movimento.
const std::vector<SourceTable>& SourceTables();

// The SELECT that extracts `table` from a database of `dialect`, wrapped as a JDBC `dbtable`
// subquery: "(SELECT ... FROM movimento) AS movimento_src".
std::string ExtractSubquery(db::Dialect dialect, const SourceTable& table);

}  // namespace sicoop::pipeline
