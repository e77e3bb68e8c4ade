// The source schema of docs/source-schema.md, generated from the table descriptors (tables.h): primary keys, foreign
// keys, checks and secondary indexes, in PostgreSQL or MySQL/MariaDB (InnoDB, utf8mb4).
#pragma once

#include <cstdint>
#include <optional>
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

// CREATE TABLE IF NOT EXISTS for `table`, with its primary key, checks and foreign keys (and on MySQL
// its secondary indexes).
std::string CreateTableStatement(const TableDesc& table, Dialect dialect);

// The CREATE INDEX statement for `index`; PostgreSQL's is idempotent (MySQL has no IF NOT EXISTS).
std::string CreateIndexStatement(const IndexDef& index, Dialect dialect);

// Creates whatever of the schema is missing; running it again changes nothing.
Status InitSchema(Connection& connection);

// A column's type as information_schema.columns describes it.
struct FoundType {
  std::string data_type;    // data_type, lower case: "integer", "character varying", "varbinary"
  std::string column_type;  // MySQL's column_type ("tinyint(1)", "int(10) unsigned"); empty on PostgreSQL
  std::optional<int64_t> length;     // character_maximum_length
  std::optional<int64_t> precision;  // numeric_precision
  std::optional<int64_t> scale;      // numeric_scale

  // The type as a message names it: MySQL's column_type, else "character varying(100)", "numeric(12,4)".
  std::string Text() const;
};

// A column of a table as the database describes it.
struct FoundColumn {
  std::string table;
  std::string name;
  FoundType type;
};

// Every column of every table in the connection's schema (PostgreSQL: current_schema(); MySQL: the
// database), each table's columns in their order.
Result<std::vector<FoundColumn>> ReadColumns(Connection& connection);

// Why a column of type `found` cannot stand for one declared `expected`; empty when it can. Types
// of the same family whose values reach the CSV unchanged are accepted, whatever their width:
//  - integer: any integer type (SMALLINT for INT, BIGINT for INT, MySQL TINYINT..BIGINT, UNSIGNED),
//    but not MySQL's TINYINT(1), which the JDBC driver reads as a boolean;
//  - decimal: NUMERIC/DECIMAL with at most 2 fraction digits and at most 38 digits (Spark's limit);
//    more fraction digits would be rounded, an unconstrained NUMERIC may hold any number of them;
//  - text: VARCHAR/CHAR of any length, TEXT of any size, MySQL ENUM; never a binary type, which
//    Spark reads as bytes;
//  - timestamp: a wall-clock type without a zone (PostgreSQL TIMESTAMP of any precision, MySQL
//    DATETIME); not TIMESTAMP WITH TIME ZONE nor MySQL's TIMESTAMP, which hold an instant whose
//    wall-clock text depends on a session's time zone.
std::string TypeMismatch(const ColumnType& expected, const FoundType& found);

// Whether `table` (a name of ours, never user input) exists in the connection's schema.
Result<bool> TableExists(Connection& connection, const std::string& table);

// OK when the four tables exist with their columns, each of a type TypeMismatch accepts; otherwise
// a Failure that names the first missing table or column and says to run `sicoop db init`, or
// names every column of a wrong type (table.column, the type found and the type expected).
Status CheckSchema(Connection& connection);

}  // namespace sicoop::db
