// Loading the four source tables while all of them are empty, at bulk speed, with the same guarantees
// as a load into the full schema: when the load commits, every key and foreign key holds and every
// index exists.
//
// PostgreSQL: inside the load's transaction (its DDL is transactional), the foreign keys, the
// secondary indexes and movimento's primary key (the one no foreign key references) are dropped
// before the rows and re-created after them. One index build from all rows and one validating join
// per key beat maintaining them row by row several times over; no other session ever sees the tables
// without them, and a failed load rolls back to the full schema.
//
// MySQL/MariaDB: DDL commits at once, so the schema stays; the session turns unique and foreign-key
// checks off instead. Into empty tables that lets InnoDB take its bulk-insert path (rows buffered and
// each index built by one sort; one undo record per table, so a rollback empties the table). After
// the rows, the checks are turned back on and every foreign key is verified with one anti-join over
// the child's index; a dangling reference fails the load before it commits. Primary keys need no
// extra check: a duplicate id is a row the server did not store, which BulkLoad reports.
#pragma once

#include "common/status.h"
#include "db/connection.h"

namespace sicoop::db {

// Call inside the load's transaction, before the first row.
Status BeginEmptyTablesLoad(Connection& connection);

// Call after the last row, before COMMIT: re-creates or verifies everything BeginEmptyTablesLoad set
// aside. A failure names the broken key; roll back then.
Status FinishEmptyTablesLoad(Connection& connection);

// After a failed load has been rolled back: puts the session's checks back (MySQL). Best effort.
void AbandonEmptyTablesLoad(Connection& connection);

}  // namespace sicoop::db
