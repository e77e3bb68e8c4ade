// Reads an Iceberg table of a Hadoop-catalog warehouse folder without Spark: runs
// tests/support/read_iceberg.py (pyiceberg, in the venv of scripts/setup.sh), a reader independent
// of sicoop's Spark client, to check what sicoop wrote into the lake.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace sicoop::testing {

// The rows of WAREHOUSE/NAMESPACE/TABLE as CSV text: a header line, then one line per row, values as
// src/spark/dataframe.h shows them ("-50.00", "2024-03-01 00:00:00.5"), NULL as an empty field.
// `columns` empty: all, in the table's order; `order_by`: ascending, NULLs last, else in file order.
// When the script fails (no such table, or a run over two minutes), fails the current test with its
// message and returns "".
std::string ReadIcebergTable(const std::filesystem::path& warehouse, const std::string& ns, const std::string& table,
                             const std::vector<std::string>& columns = {},
                             const std::vector<std::string>& order_by = {});

}  // namespace sicoop::testing
