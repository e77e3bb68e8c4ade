// db init --json and db seed --json: one object on stdout each, valid against its schema in
// docs/schemas (jsonschema of the setup's venv), with the rows per table the database holds.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "support/files.h"
#include "support/fresh_database.h"
#include "support/run_sicoop.h"

namespace sicoop::testing {
namespace {
namespace fs = std::filesystem;

// Validates the JSON file (argv[2]) against the schema (argv[1]), then prints "name=value" lines of
// the values the test compares.
constexpr const char* kValidate = R"(
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
result = json.load(open(sys.argv[2]))
jsonschema.Draft202012Validator(schema).validate(result)
for table, rows in sorted(result.get("rows_added", {}).items()):
    print("%s=%d" % (table, rows))
if "tables" in result:
    print("tables=" + ",".join(result["tables"]))
print("source=" + result["source"])
)";

// The fields of `json` once validated against docs/schemas/`schema`; fails the test if it is not.
std::string ValidatedFields(const std::string& json, const std::string& schema) {
  const fs::path folder = MakeTestFolder("sicoop-db-json");
  const fs::path file = folder / "result.json";
  std::ofstream(file) << json;
  RunResult validated = RunCommand({SICOOP_PYTHON, "-c", kValidate, SICOOP_SCHEMA_DIR "/" + schema, file.string()});
  fs::remove_all(folder);
  EXPECT_EQ(validated.exit_code, 0) << validated.output << "\n" << json;
  return validated.output;
}

TEST(DbJsonTest, InitAndSeedPrintOneObjectOfTheirSchemaWithTheDatabasesCounts) {
  FreshDatabase db = MakeFreshDatabase("postgres");
  ASSERT_TRUE(db.connection);

  SplitRunResult init = RunSicoopSplit({"db", "init", "--db", db.url, "--json"});
  ASSERT_EQ(init.exit_code, 0) << init.err << init.out;
  ASSERT_EQ(init.out.find('\n'), init.out.size() - 1) << "one object on one line:\n" << init.out;
  std::string fields = ValidatedFields(init.out, "db-init.schema.json");
  EXPECT_NE(fields.find("tables=associado,conta,cartao,movimento\n"), std::string::npos) << fields;
  EXPECT_EQ(fields.find("p@ss"), std::string::npos) << fields;

  SplitRunResult seed = RunSicoopSplit({"db", "seed", "--db", db.url, "--movimentos", "1234", "--seed", "5", "--json"});
  ASSERT_EQ(seed.exit_code, 0) << seed.err << seed.out;
  ASSERT_EQ(seed.out.find('\n'), seed.out.size() - 1) << "one object on one line:\n" << seed.out;
  fields = ValidatedFields(seed.out, "db-seed.schema.json");
  for (const char* table : {"associado", "conta", "cartao", "movimento"}) {
    auto count = db.connection->Query(std::string("SELECT COUNT(*) FROM ") + table);
    ASSERT_TRUE(count.ok()) << count.status().message();
    EXPECT_NE(fields.find(std::string(table) + "=" + *(*count)[0][0] + "\n"), std::string::npos)
        << table << " holds " << *(*count)[0][0] << ":\n" << fields;
  }
  EXPECT_NE(fields.find("movimento=1234\n"), std::string::npos) << fields;
  EXPECT_NE(seed.out.find("\"seed\":5,"), std::string::npos) << seed.out;
}

// With --anomalies the result counts the labels too, and all the movimentos, the injected ones with them.
TEST(DbJsonTest, SeedWithAnomaliesCountsTheLabels) {
  FreshDatabase db = MakeFreshDatabase("mysql");
  ASSERT_TRUE(db.connection);
  ASSERT_EQ(RunSicoopSplit({"db", "init", "--db", db.url}).exit_code, 0);
  SplitRunResult seed =
      RunSicoopSplit({"db", "seed", "--db", db.url, "--movimentos", "3000", "--anomalies", "0.2", "--json"});
  ASSERT_EQ(seed.exit_code, 0) << seed.err << seed.out;
  std::string fields = ValidatedFields(seed.out, "db-seed.schema.json");
  for (const char* table : {"movimento", "movimento_anomalia"}) {
    auto count = db.connection->Query(std::string("SELECT COUNT(*) FROM ") + table);
    ASSERT_TRUE(count.ok()) << count.status().message();
    EXPECT_NE(fields.find(std::string(table) + "=" + *(*count)[0][0] + "\n"), std::string::npos)
        << table << " holds " << *(*count)[0][0] << ":\n" << fields;
  }
  EXPECT_EQ(fields.find("movimento=3000\n"), std::string::npos) << "the injected movimentos are counted:\n" << fields;
}

}  // namespace
}  // namespace sicoop::testing
