// DataFrameReader, as SparkSession.read in PySpark: a data source (format, options, paths) that
// becomes a DataFrame. Nothing runs until the DataFrame is used. Setters return *this for chaining.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "spark/dataframe.h"

namespace sicoop::spark {

class DataFrameReader {
 public:
  explicit DataFrameReader(SparkSession* session) : session_(session) {}

  DataFrameReader& Format(std::string format);  // "jdbc", "csv", "parquet", ...
  DataFrameReader& Option(const std::string& key, std::string value);
  DataFrameReader& Options(const std::map<std::string, std::string>& options);
  // JDBC only: one partition per predicate, each a WHERE condition (Read.DataSource.predicates).
  DataFrameReader& Predicates(std::vector<std::string> predicates);

  // The source as a DataFrame; `paths` for file sources.
  DataFrame Load(const std::vector<std::string>& paths = {});

 private:
  SparkSession* session_;
  std::string format_;
  std::map<std::string, std::string> options_;
  std::vector<std::string> predicates_;
};

}  // namespace sicoop::spark
