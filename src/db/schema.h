// The source schema of docs/source-schema.md, generated from the table descriptors (tables.h): primary keys, foreign
// keys, checks and secondary indexes, in PostgreSQL or MySQL/MariaDB (InnoDB, utf8mb4).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "db/connection.h"
#include "db/tables.h"

namespace sicoop::db {

// The statements that create the schema in `dialect`, each idempotent: CREATE TABLE IF NOT EXISTS
// per table, parents first, and on PostgreSQL a CREATE INDEX IF NOT EXISTS per secondary index (MySQL
// gets its indexes inside CREATE TABLE).
std::vector<std::string> CreateStatements(Dialect dialect);

// The CREATE INDEX statement for `index`; PostgreSQL's is idempotent (MySQL has no IF NOT EXISTS).
std::string CreateIndexStatement(const IndexDef& index, Dialect dialect);

// Creates whatever of the schema is missing; running it again changes nothing.
Status InitSchema(Connection& connection);

// OK when the four tables exist with their columns; otherwise a Failure that names the first missing
// table or column and says to run `sicoop db init`.
Status CheckSchema(Connection& connection);

}  // namespace sicoop::db
