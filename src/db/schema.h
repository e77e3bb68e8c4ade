// The source schema of SPEC §2: associado, conta, cartao, movimento, with primary keys, foreign keys
// and an index on every foreign-key column, in PostgreSQL or MySQL/MariaDB (InnoDB, utf8mb4).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "db/connection.h"

namespace sicoop::db {

struct TableDef {
  std::string name;
  std::vector<std::string> columns;  // in creation order, which is also the bulk-load field order
};

// The four tables, parents before children (the order to create and to load them in).
const std::vector<TableDef>& SourceSchema();

// PostgreSQL statements that take movimento's foreign key and secondary indexes off before a bulk
// load into the empty table, and put them back after it: building an index once from all rows and
// validating the key with one join beat maintaining both row by row several times over. Both run
// in the load's transaction (PostgreSQL DDL is transactional), so no other session ever sees the
// table without them, and a failed load rolls back to the full schema.
struct BulkLoadDdl {
  std::vector<std::string> before;
  std::vector<std::string> after;
};
BulkLoadDdl MovimentoBulkLoadDdl();

// Creates whatever of the schema is missing; running it again changes nothing.
Status InitSchema(Connection& connection);

// OK when the four tables exist with their columns; otherwise a Failure that names the first missing
// table or column and says to run `sicoop db init`.
Status CheckSchema(Connection& connection);

}  // namespace sicoop::db
