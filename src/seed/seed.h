// `sicoop db seed`: fills the source schema with a fictitious, believable cooperative, fast.
//
// How: generator threads write rows (bulk_rows.h: binary for PostgreSQL, text for MySQL) in chunks of
// `batch` rows, handed in id order to the database's bulk path (COPY FROM STDIN / LOAD DATA LOCAL
// INFILE from memory). No file is written. Memory is bounded whatever the number of movimentos: 16
// bytes per cartão (the cards movimentos may use) plus 2 * threads chunks plus the one being sent (about
// 3 * threads * batch * 100 bytes; 6 MB at the defaults) — roughly 10 MB for 10 million movimentos.
//
// All of it runs in one transaction: a failure (bad data, lost connection) rolls back everything
// and nothing is reported as loaded. Into four empty tables the keys and indexes are set aside and
// rebuilt or verified at the end (empty_tables_load.h); with rows already there (--append) they
// stay in place during the load.
//
// The data are a pure function of the seed, the starting ids, the counts and the period: the same
// options on the same database state give the same rows, for any number of threads or batch size.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "common/status.h"
#include "db/connection.h"

namespace sicoop::seed {

struct SeedOptions {
  // Members to add; by default max(100, movimentos / 200) — about 100 movimentos per card — or 100
  // when movimentos is not given either.
  std::optional<int64_t> associados;
  // Transactions to add; by default 50 per member, or 5000 when associados is not given either.
  std::optional<int64_t> movimentos;
  uint64_t seed = 1;
  std::string from = "2024-01-01";  // first day of the movimentos (YYYY-MM-DD)
  std::string to = "2024-12-31";    // last day, inclusive
  int64_t batch = 20000;            // rows per generated chunk
  bool append = false;    // add after the existing rows (ids continue after each table's maximum)
  bool truncate = false;  // empty the four tables first (on MySQL this emptying is committed at once)
  int threads = 0;        // generator threads; 0 = one per core
  // The share of cards, in [0, kMaxAnomalyShare], that get one labelled fraud-like scenario each
  // (anomalies.h); 0 injects nothing and creates no table.
  double anomalies = 0;
};

struct SeedSummary {
  int64_t associados = 0, contas = 0, cartoes = 0;
  int64_t movimentos = 0;  // the ordinary ones and the injected anomalies
  int64_t anomalias = 0;   // injected movimentos, each with its row in movimento_anomalia
  double seconds = 0;
  int64_t rows() const { return associados + contas + cartoes + movimentos + anomalias; }
};

struct SeedProgress {
  std::string table;  // the table being loaded, or a step after the rows when rows_total is 0
  int64_t rows_done = 0, rows_total = 0;
  double seconds = 0;  // since the load began
};

// Limits that keep inputs sane (and the card list's memory bounded).
constexpr int64_t kMaxAssociados = 5'000'000;
constexpr int64_t kMaxMovimentos = 2'000'000'000;

// The usage errors of Seed, found without a database: for a command line to refuse bad options
// before it connects.
Status CheckSeedOptions(const SeedOptions& options);

// Adds the rows. With options.anomalies, movimento_anomalia is created when missing and gets the
// labels; --truncate empties it too whenever it exists. Usage errors: counts or share out of range, --from after --to, --append with --truncate,
// movimentos without any card. Failures: no schema (points at `sicoop db init`), tables already
// holding rows without --append/--truncate, any database error. `progress`, when set, is called on
// the calling thread after each chunk.
Result<SeedSummary> Seed(db::Connection& connection, const SeedOptions& options,
                         const std::function<void(const SeedProgress&)>& progress = {});

}  // namespace sicoop::seed
