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

// The foreign keys: each child column references its parent's id. Parents come before children in
// SourceSchema, so a parent is always loaded first.
struct ForeignKeyDef {
  std::string table, column, parent;
  std::string name() const;    // "<table>_<column>_fk"
  std::string clause() const;  // "CONSTRAINT <name> FOREIGN KEY (<column>) REFERENCES <parent> (id)"
};
const std::vector<ForeignKeyDef>& ForeignKeys();

// The secondary indexes: one on every foreign-key column, and movimento's data_movimento.
struct IndexDef {
  std::string table, column;
  std::string name() const;  // "<table>_<column>_idx"
};
const std::vector<IndexDef>& SecondaryIndexes();

// The CREATE INDEX statement for `index`; PostgreSQL's is idempotent (MySQL has no IF NOT EXISTS).
std::string CreateIndexStatement(const IndexDef& index, Dialect dialect);

// Creates whatever of the schema is missing; running it again changes nothing.
Status InitSchema(Connection& connection);

// OK when the four tables exist with their columns; otherwise a Failure that names the first missing
// table or column and says to run `sicoop db init`.
Status CheckSchema(Connection& connection);

}  // namespace sicoop::db
