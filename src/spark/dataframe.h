// DataFrame and DataFrameWriter, as in PySpark: a DataFrame is an unresolved plan that runs on the
// server when an action (Collect, Count, CreateOrReplaceTempView, Write().Save) asks for it.
//
// A DataFrame refers to the SparkSession that made it, which must outlive it. Copies are cheap and
// share the (immutable) plan.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace spark::connect {
class Relation;
}  // namespace spark::connect

namespace sicoop::spark {

class SparkSession;
class DataFrameWriter;

// A collected result. Every cell is text, or nullopt for SQL NULL: integers and decimals in plain
// decimal notation ("-50.00", never an exponent), doubles in the shortest plain decimal that reads
// back exactly, booleans "true"/"false", dates "YYYY-MM-DD", timestamps "YYYY-MM-DD HH:MM:SS[.ffffff]"
// (the UTC wall clock of zoned timestamps, the stored wall clock of TIMESTAMP_NTZ).
using Row = std::vector<std::optional<std::string>>;
struct Rows {
  std::vector<std::string> columns;
  std::vector<Row> rows;
};

class DataFrame {
 public:
  DataFrame(SparkSession* session, std::shared_ptr<const ::spark::connect::Relation> relation);

  // Registers the plan as a session-scoped temporary view, replacing one of the same name. Spark
  // analyses the plan here, so a read that cannot work (unreachable database, missing table) fails
  // now, with Spark's message.
  Status CreateOrReplaceTempView(const std::string& name);

  // Runs the plan and returns all its rows. Meant for small results: they are held in memory.
  Result<Rows> Collect();

  // The number of rows.
  Result<int64_t> Count();

  DataFrameWriter Write() const;

  SparkSession& session() const { return *session_; }
  const ::spark::connect::Relation& relation() const { return *relation_; }

 private:
  SparkSession* session_;
  std::shared_ptr<const ::spark::connect::Relation> relation_;
};

// Writes a DataFrame to files, as DataFrame.write in PySpark. Setters return *this for chaining.
// While Save runs, Spark's progress goes to the session's progress handler.
class DataFrameWriter {
 public:
  explicit DataFrameWriter(DataFrame frame) : frame_(std::move(frame)) {}

  DataFrameWriter& Format(std::string format);  // "csv", "parquet", ...
  // "overwrite", "append", "ignore", "error" / "errorifexists" (the default).
  DataFrameWriter& Mode(std::string mode);
  DataFrameWriter& Option(const std::string& key, std::string value);
  DataFrameWriter& Options(const std::map<std::string, std::string>& options);

  // Writes to `path` (a directory that Spark fills with part files), as seen by the Spark server.
  Status Save(const std::string& path);

 private:
  DataFrame frame_;
  std::string format_;
  std::string mode_;
  std::map<std::string, std::string> options_;
};

}  // namespace sicoop::spark
