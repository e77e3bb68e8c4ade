// One instant of the source database for every read of a run: the profiles that bound the reads
// and each of Spark's JDBC sessions see the same state, so that a writer committing during the run
// can neither tear a movimento from its card nor leave a hole among the movimentos written
// (docs/output-contract.md, "One instant").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "common/status.h"
#include "db/connection.h"
#include "pipeline/extract.h"
#include "pipeline/source_tables.h"

namespace sicoop::pipeline {

// PostgreSQL: sicoop's connection holds a REPEATABLE READ, READ ONLY transaction and exports its
// snapshot (pg_export_snapshot(), as pg_dump --jobs does); every JDBC session adopts it (SET
// TRANSACTION SNAPSHOT, in Spark's sessionInitStatement). The four tables are read exactly as they
// were when the snapshot was taken. The transaction stays open until End(): a snapshot can be
// adopted only while the transaction that exported it lives, and Spark opens its JDBC sessions as
// its tasks start, up to the end of the write.
//
// MySQL/MariaDB: sessions cannot share a snapshot. The profiles are read in one consistent
// snapshot, which fixes movimento's high-water mark, MAX(id); movimento is read up to it, the
// dimensions as they are when Spark reads them, later. Every movimento read then finds its card,
// account and member, which the foreign keys made commit no later than it. For a ledger whose rows
// are only inserted, with ids that grow in commit order, the movimentos read are exactly those of
// the snapshot; End() checks that none entered or left the range meanwhile (a later commit of a
// lower id, a deletion) and fails the run when one did.
class SourceSnapshot {
 public:
  // Takes the snapshot on `source`, which must outlive it, and reads every table's profile in it.
  // With `fact_above`, the fact table's profile (and on MySQL what End() checks) covers only its
  // rows with keys above it, and on PostgreSQL it is their key range alone (not counted): an
  // incremental read then costs the source only the rows it reads.
  static Result<SourceSnapshot> Take(db::Connection& source, std::optional<int64_t> fact_above = std::nullopt);

  SourceSnapshot(SourceSnapshot&& other) noexcept;
  SourceSnapshot& operator=(SourceSnapshot&&) = delete;
  // Ends a transaction still open: the run failed before End().
  ~SourceSnapshot();

  // The size and bounds of `table` at the snapshot's instant.
  const TableProfile& Profile(const SourceTable& table) const { return profiles_.at(table.name); }

  // What makes Spark's JDBC reads see the snapshot's instant.
  const ReadInstant& instant() const { return instant_; }

  // Call once Spark has read everything. PostgreSQL: ends the exporting transaction. MySQL: fails
  // when movimento's rows up to the high-water mark changed while Spark read them.
  Status End();

 private:
  explicit SourceSnapshot(db::Connection& source) : source_(&source) {}

  db::Connection* source_;
  bool transaction_open_ = false;
  std::map<std::string, TableProfile> profiles_;
  ReadInstant instant_;
};

}  // namespace sicoop::pipeline
