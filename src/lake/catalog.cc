#include "lake/catalog.h"

namespace sicoop::lake {

std::map<std::string, std::string> CatalogConf(const std::string& location) {
  const std::string prefix = std::string("spark.sql.catalog.") + kCatalog;
  return {
      {prefix, "org.apache.iceberg.spark.SparkCatalog"},
      {prefix + ".type", "hadoop"},
      {prefix + ".warehouse", location},
  };
}

std::string RawTable(const db::TableDesc& table) { return std::string(kCatalog) + ".raw." + table.name; }

std::string CuratedFlatTable() { return std::string(kCatalog) + ".curated.movimento_flat"; }

}  // namespace sicoop::lake
