// `sicoop etl --spark` on a real Spark cluster: scripts/cluster.sh starts a standalone master, two
// workers and a Spark Connect server attached to the master, so the JDBC reads and the CSV part
// files happen in executor JVMs of their own, not in the driver. The file must be byte for byte the
// one the local Spark gives for the same source.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "db/schema.h"
#include "seed/seed.h"
#include "support/files.h"
#include "support/csv_reader.h"
#include "support/fresh_database.h"
#include "support/run_sicoop.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {
namespace fs = std::filesystem;

constexpr int64_t kMovimentos = 20000;
constexpr const char* kHeader =
    "nome_associado,sobrenome_associado,idade_associado,vlr_transacao_movimento,des_transacao_movimento,"
    "data_movimento,numero_cartao,nome_impresso_cartao,data_criacao_cartao,tipo_conta,data_criacao_conta";

// Where two texts first differ, as "line N: <a> | <b>", for a readable failure on large files.
std::string FirstDifference(const std::string& a, const std::string& b) {
  std::istringstream in_a(a), in_b(b);
  std::string line_a, line_b;
  for (int line = 1;; ++line) {
    bool more_a = static_cast<bool>(std::getline(in_a, line_a));
    bool more_b = static_cast<bool>(std::getline(in_b, line_b));
    if (!more_a && !more_b) return "same lines, different line ends";
    if (!more_a || !more_b || line_a != line_b) {
      return "line " + std::to_string(line) + ": " + (more_a ? line_a : "<end>") + " | " +
             (more_b ? line_b : "<end>");
    }
  }
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    output_ = MakeTestFolder("sicoop-cluster-test");
  }

  // Stops the cluster whatever happened: a failed assertion, a failed start (the script stops what
  // it started, and this stops anything a previous, killed run left).
  void TearDown() override {
    if (cluster_requested_) {
      RunResult down = Cluster("down");
      EXPECT_EQ(down.exit_code, 0) << down.output;
      if (HasFailure()) std::cout << "cluster logs: " << SICOOP_CLUSTER_STATE_DIR << "/logs\n";
    }
    fs::remove_all(output_);
  }

  // The test S3 server's credentials, as its users export them: the cluster's JVMs inherit them
  // from cluster.sh, sicoop reads them itself.
  static std::vector<std::pair<std::string, std::string>> AwsEnv() {
    return {{"AWS_ACCESS_KEY_ID", S3AccessKey()}, {"AWS_SECRET_ACCESS_KEY", S3SecretKey()},
            {"AWS_REGION", S3Region()}, {"AWS_ENDPOINT_URL_S3", S3Endpoint()}};
  }

  static RunResult Cluster(const std::string& action) {
    return RunCommand({"bash", std::string(SICOOP_SOURCE_DIR) + "/scripts/cluster.sh", action,
                       SICOOP_CLUSTER_STATE_DIR}, AwsEnv());
  }

  // Starts the cluster from a clean state; returns its endpoint, or "" with the test failed.
  std::string StartCluster() {
    cluster_requested_ = true;
    RunResult stale = Cluster("down");
    EXPECT_EQ(stale.exit_code, 0) << stale.output;
    RunResult up = Cluster("up");
    EXPECT_EQ(up.exit_code, 0) << up.output;
    auto line = up.output.rfind("sc://");
    if (up.exit_code != 0 || line == std::string::npos) {
      ADD_FAILURE() << "no endpoint in the output of cluster.sh up:\n" << up.output;
      return "";
    }
    return up.output.substr(line, up.output.find('\n', line) - line);
  }

  RunResult Etl(const std::string& url, const std::string& spark, const fs::path& output,
                std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"etl", "--db", url, "--output", output.string(), "--spark", spark};
    args.insert(args.end(), extra.begin(), extra.end());
    auto env = AwsEnv();
    env.emplace_back("TZ", "America/Sao_Paulo");
    return RunSicoop(args, env);
  }

  fs::path output_;
  bool cluster_requested_ = false;
};

TEST_F(ClusterTest, EtlOnAStandaloneClusterGivesTheLocalRunsFileByteForByte) {
  FreshDatabase fresh = MakeFreshDatabase("postgres");
  ASSERT_TRUE(fresh.connection);
  Status init = db::InitSchema(*fresh.connection);
  ASSERT_TRUE(init.ok()) << init.message();
  seed::SeedOptions seed;
  seed.movimentos = kMovimentos;
  seed.seed = 11;
  auto seeded = seed::Seed(*fresh.connection, seed);
  ASSERT_TRUE(seeded.ok()) << seeded.status().message();

  auto start = std::chrono::steady_clock::now();
  std::string cluster = StartCluster();
  ASSERT_FALSE(cluster.empty());
  std::cout << "cluster up in " << SecondsSince(start) << " s at " << cluster << "\n";

  // Four JDBC partitions of movimento over two executors: parts written by different JVMs.
  start = std::chrono::steady_clock::now();
  RunResult on_cluster = Etl(fresh.url, cluster, output_ / "cluster", {"--partitions", "4"});
  ASSERT_EQ(on_cluster.exit_code, 0) << on_cluster.output;
  std::cout << "etl on the cluster: " << SecondsSince(start) << " s\n";

  start = std::chrono::steady_clock::now();
  RunResult local = Etl(fresh.url, SparkUrl(), output_ / "local");
  ASSERT_EQ(local.exit_code, 0) << local.output;
  std::cout << "etl on the local Spark: " << SecondsSince(start) << " s\n";

  std::string from_cluster = ReadWholeFile(output_ / "cluster" / "movimento_flat.csv");
  std::string from_local = ReadWholeFile(output_ / "local" / "movimento_flat.csv");
  EXPECT_TRUE(from_cluster == from_local) << FirstDifference(from_cluster, from_local);

  std::vector<CsvRow> rows;
  std::string error;
  ASSERT_TRUE(ParseCsv(from_cluster, ',', rows, error)) << error;
  EXPECT_EQ(rows.size(), kMovimentos + 1);
  EXPECT_EQ(from_cluster.substr(0, from_cluster.find('\n')), kHeader);
  // The executors' part files and the staging folder are gone.
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(output_ / "cluster")) names.push_back(entry.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{"movimento_flat.csv"});

  // The lake and the file on S3, no folder shared with the cluster: the same bytes again.
  const std::string bucket = FreshS3Bucket();
  ASSERT_FALSE(bucket.empty());
  const fs::path key = output_ / "token.key";
  ASSERT_TRUE(WriteTokenKeyFile(key));
  start = std::chrono::steady_clock::now();
  RunResult on_s3 = Etl(fresh.url, cluster, "s3a://" + bucket + "/out",
                        {"--partitions", "4", "--lake", "s3a://" + bucket + "/lake", "--token-key-file", key.string()});
  ASSERT_EQ(on_s3.exit_code, 0) << on_s3.output;
  std::cout << "etl --lake on the cluster, lake and file on S3: " << SecondsSince(start) << " s\n";
  const std::string from_s3 = ReadWholeFile(fs::path(S3Root()) / bucket / "out" / "movimento_flat.csv");
  EXPECT_TRUE(from_s3 == from_local) << FirstDifference(from_s3, from_local);
  EXPECT_TRUE(fs::exists(fs::path(S3Root()) / bucket / "lake" / "curated" / "movimento_flat" / "metadata" / "version-hint.text"));
}

}  // namespace
}  // namespace sicoop::testing
