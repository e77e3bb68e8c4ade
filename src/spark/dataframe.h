// DataFrame and DataFrameWriter, as in PySpark: a DataFrame is an unresolved plan that runs on the
// server when an action (Collect, Count, CreateOrReplaceTempView, Write().Save) asks for it.
//
// A DataFrame refers to the SparkSession that made it, which must outlive it. Copies are cheap and
// share the (immutable) plan.
//
// Observation, as in PySpark: named aggregates computed by the job of an action while its rows flow
// through the plan, delivered with the action's results instead of costing another job.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace spark::connect {
class Plan;
class Relation;
}  // namespace spark::connect

namespace sicoop::spark {

class SparkSession;
class DataFrameWriter;
struct ExecuteResult;

// A collected result. Every cell is text, or nullopt for SQL NULL: integers and decimals in plain
// decimal notation ("-50.00", never an exponent), doubles in the shortest plain decimal that reads
// back exactly, booleans "true"/"false", dates "YYYY-MM-DD", timestamps "YYYY-MM-DD HH:MM:SS[.ffffff]"
// (the UTC wall clock of zoned timestamps, the stored wall clock of TIMESTAMP_NTZ).
using Row = std::vector<std::optional<std::string>>;
struct Rows {
  std::vector<std::string> columns;
  std::vector<Row> rows;
};

// Metrics that an action fills in (see DataFrame::Observe). Copies share the values, so the caller
// keeps one and reads it after the action.
class Observation {
 public:
  explicit Observation(std::string name);

  const std::string& name() const { return state_->name; }
  // Each metric by its alias, as text (as in Row): nullopt until an action ran a plan observed by
  // this Observation and Spark reported its metrics.
  const std::optional<std::map<std::string, std::string>>& Get() const { return state_->values; }

 private:
  friend class DataFrame;
  struct State {
    std::string name;
    std::optional<std::map<std::string, std::string>> values;
  };
  std::shared_ptr<State> state_;
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

  // Runs the plan and hands its rows to `consumer` batch by batch as Spark sends them, in the plan's
  // order (an ORDER BY's), each Rows with its columns: sicoop holds one batch at a time, whatever the
  // size of the result. An error from `consumer` stops the stream, releases the operation (which
  // stops the job if it still runs) and is returned.
  Status ForEachBatch(const std::function<Status(Rows&&)>& consumer);

  // The number of rows.
  Result<int64_t> Count();

  // This DataFrame with `observation`'s metrics computed over its rows: SQL aggregate expressions,
  // each with an alias ("count(1) AS rows"). The action that runs the returned DataFrame (Collect,
  // Write().Save) fills `observation` in. Spark counts in the same job, from the tasks that
  // succeeded; a name is observed once per action.
  DataFrame Observe(const Observation& observation, const std::vector<std::string>& metrics) const;

  DataFrameWriter Write() const;

  SparkSession& session() const { return *session_; }
  const ::spark::connect::Relation& relation() const { return *relation_; }

 private:
  friend class DataFrameWriter;
  // Executes `plan` (this DataFrame's or a command over it) and fills in this DataFrame's
  // observations from what Spark reported; Arrow batches go to `on_batch` when given
  // (SparkConnectClient::Execute).
  Result<ExecuteResult> Execute(const ::spark::connect::Plan& plan,
                                const std::function<Status(std::string&&)>& on_batch = {}) const;

  SparkSession* session_;
  std::shared_ptr<const ::spark::connect::Relation> relation_;
  std::vector<Observation> observations_;
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
