#include "support/read_iceberg.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "support/files.h"
#include "support/run_sicoop.h"

namespace sicoop::testing {
namespace {

std::string Joined(const std::vector<std::string>& names) {
  std::string joined;
  for (const auto& name : names) joined += (joined.empty() ? "" : ",") + name;
  return joined;
}

}  // namespace

std::string ReadIcebergTable(const std::filesystem::path& warehouse, const std::string& ns, const std::string& table,
                             const std::vector<std::string>& columns, const std::vector<std::string>& order_by) {
  static int counter = 0;
  const std::filesystem::path csv = std::filesystem::temp_directory_path() /
                                    ("sicoop-iceberg-" + std::to_string(getpid()) + "-" + std::to_string(++counter) + ".csv");
  // stdout into its own file: what RunCommand captures is then only what the script says on stderr
  // (its error, or pyarrow's warnings), never mixed into the rows.
  std::vector<std::string> argv = {"sh", "-c", "out=\"$1\"; shift; exec timeout 120 \"$@\" > \"$out\"", "sh", csv.string(),
                                   SICOOP_PYTHON, SICOOP_READ_ICEBERG_SCRIPT, warehouse.string(), ns, table};
  if (!columns.empty()) argv.insert(argv.end(), {"--columns", Joined(columns)});
  if (!order_by.empty()) argv.insert(argv.end(), {"--order-by", Joined(order_by)});
  RunResult run = RunCommand(argv);
  std::string rows = ReadWholeFile(csv);
  std::filesystem::remove(csv);
  if (run.exit_code != 0) {
    ADD_FAILURE() << "read_iceberg.py " << warehouse.string() << " " << ns << " " << table << " exited "
                  << run.exit_code << ": " << run.output;
    return "";
  }
  return rows;
}

}  // namespace sicoop::testing
