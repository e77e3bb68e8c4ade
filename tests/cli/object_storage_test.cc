// The lake and movimento_flat.csv on S3 (`--lake s3a://...`, `--output s3a://...`) against a real
// S3-compatible server (s3proxy, started by the test harness with the Spark server, which holds its
// credentials): the same bytes as on a local folder, one object published whole or not at all, and
// clear failures for bad credentials and buckets.
#include <signal.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/environment.h"
#include "common/process.h"
#include "db/connection.h"
#include "storage/s3_client.h"
#include "storage/s3_settings.h"
#include "support/files.h"
#include "support/run_sicoop.h"
#include "support/seeded_database.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Env = std::vector<std::pair<std::string, std::string>>;

// The files under `folder`, as paths relative to it, sorted.
std::vector<std::string> FilesUnder(const fs::path& folder) {
  std::vector<std::string> files;
  std::error_code error;
  for (fs::recursive_directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    if (it->is_regular_file()) files.push_back(fs::relative(it->path(), folder).string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class ObjectStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = MakeTestFolder("sicoop-object-storage");
    bucket_ = FreshS3Bucket();
    ASSERT_FALSE(bucket_.empty());
    key_ = root_ / "token.key";
    ASSERT_TRUE(WriteTokenKeyFile(key_));
  }
  void TearDown() override { fs::remove_all(root_); }

  // The AWS environment of the test's S3 server, as a user would export it.
  Env AwsEnv(const std::string& secret = S3SecretKey()) const {
    return {{"AWS_ACCESS_KEY_ID", S3AccessKey()}, {"AWS_SECRET_ACCESS_KEY", secret}, {"AWS_REGION", S3Region()},
            {"AWS_ENDPOINT_URL_S3", S3Endpoint()}};
  }

  std::string Uri(const std::string& prefix) const { return "s3a://" + bucket_ + "/" + prefix; }
  fs::path ObjectFile(const std::string& key) const { return fs::path(S3Root()) / bucket_ / key; }

  RunResult Etl(const std::string& output, std::vector<std::string> extra = {}, const std::string& secret = S3SecretKey()) {
    std::vector<std::string> args = {"etl", "--db", url_, "--output", output, "--spark", SparkUrl()};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunSicoop(args, AwsEnv(secret));
  }
  std::vector<std::string> LakeArgs(const std::string& lake) const {
    return {"--lake", lake, "--token-key-file", key_.string()};
  }

  std::unique_ptr<storage::S3Client> Client() const {
    AwsEnvironment aws;
    aws.access_key_id = S3AccessKey();
    aws.secret_access_key = S3SecretKey();
    aws.region = S3Region();
    aws.endpoint_url_s3 = S3Endpoint();
    auto settings = storage::S3Settings::Resolve(aws);
    EXPECT_TRUE(settings.ok()) << settings.status().message();
    if (!settings.ok()) return nullptr;
    auto client = storage::S3Client::Create(*settings);
    EXPECT_TRUE(client.ok()) << client.status().message();
    return client.ok() ? std::move(*client) : nullptr;
  }

  void Seed(int64_t movimentos, uint64_t seed) {
    FreshDatabase fresh = MakeSeededDatabase("postgres", movimentos, seed);
    ASSERT_TRUE(fresh.connection);
    url_ = fresh.url;
    source_ = std::move(fresh.connection);
  }

  fs::path root_;
  fs::path key_;
  std::string bucket_;
  std::string url_;
  std::unique_ptr<db::Connection> source_;
};

TEST_F(ObjectStorageTest, EtlToS3WritesTheLocalFilesBytesAndLeavesOnlyTheFile) {
  Seed(3000, 31);
  RunResult local = Etl((root_ / "local").string());
  ASSERT_EQ(local.exit_code, 0) << local.output;
  RunResult on_s3 = Etl(Uri("daily/out"));
  ASSERT_EQ(on_s3.exit_code, 0) << on_s3.output;
  EXPECT_NE(on_s3.output.find("3000 rows written to " + Uri("daily/out/movimento_flat.csv")), std::string::npos)
      << on_s3.output;
  const std::string expected = ReadWholeFile(root_ / "local" / "movimento_flat.csv");
  ASSERT_EQ(std::count(expected.begin(), expected.end(), '\n'), 3001);
  EXPECT_TRUE(ReadWholeFile(ObjectFile("daily/out/movimento_flat.csv")) == expected);

  // The Excel preset's CRLF record ends are made by sicoop: its bytes stream through it.
  RunResult local_excel = Etl((root_ / "local-excel").string(), {"--excel-br"});
  ASSERT_EQ(local_excel.exit_code, 0) << local_excel.output;
  RunResult excel = Etl(Uri("excel"), {"--excel-br"});
  ASSERT_EQ(excel.exit_code, 0) << excel.output;
  const std::string expected_excel = ReadWholeFile(root_ / "local-excel" / "movimento_flat.csv");
  ASSERT_EQ(expected_excel.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_TRUE(ReadWholeFile(ObjectFile("excel/movimento_flat.csv")) == expected_excel);

  // No part, staging object, lock or unfinished upload is left behind.
  EXPECT_EQ(FilesUnder(fs::path(S3Root()) / bucket_),
            (std::vector<std::string>{"daily/out/movimento_flat.csv", "excel/movimento_flat.csv"}));
  auto client = Client();
  ASSERT_TRUE(client);
  auto uploads = client->ListUploads(bucket_, "");
  ASSERT_TRUE(uploads.ok()) << uploads.status().message();
  EXPECT_TRUE(uploads->empty());
}

// Without --spark, sicoop's own Spark server writes the parts through S3A with the credentials
// sicoop was given: the secret variables a child process is otherwise denied are passed to it.
TEST_F(ObjectStorageTest, ItsOwnSparkServerReachesS3WithSicoopsCredentials) {
  Seed(500, 35);
  Env env = AwsEnv();
  env.emplace_back("SICOOP_STATE_DIR", (root_ / "state").string());
  env.emplace_back("SICOOP_SPARK_MEMORY", "1g");
  RunResult own = RunSicoop({"etl", "--db", url_, "--output", Uri("own")}, env);
  ASSERT_EQ(own.exit_code, 0) << own.output;
  RunResult local = Etl((root_ / "local").string());
  ASSERT_EQ(local.exit_code, 0) << local.output;
  EXPECT_TRUE(ReadWholeFile(ObjectFile("own/movimento_flat.csv")) == ReadWholeFile(root_ / "local" / "movimento_flat.csv"));
}

TEST_F(ObjectStorageTest, TheLakeOnS3IngestsIncrementallyAndExportsTheDirectFile) {
  Seed(2000, 32);
  std::vector<std::string> args = {"etl", "--db", url_, "--output", Uri("out"), "--spark", SparkUrl()};
  std::vector<std::string> lake = LakeArgs(Uri("lake"));
  args.insert(args.end(), lake.begin(), lake.end());
  RunResult first = RunSicoop(args, AwsEnv());
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("manifest " + Uri("lake/_sicoop/runs/")), std::string::npos) << first.output;
  RunResult direct = Etl((root_ / "direct").string());
  ASSERT_EQ(direct.exit_code, 0) << direct.output;
  EXPECT_TRUE(ReadWholeFile(ObjectFile("out/movimento_flat.csv")) == ReadWholeFile(root_ / "direct" / "movimento_flat.csv"));
  EXPECT_TRUE(fs::exists(ObjectFile("lake/raw/movimento/metadata/version-hint.text")));

  // New movimentos: the second run appends them only, and the export is again the direct file.
  ASSERT_TRUE(source_->Execute("INSERT INTO movimento (id, vlr_transacao, des_transacao, data_movimento, id_cartao) "
                               "SELECT id + 1000000, vlr_transacao + 1, 'nova ' || des_transacao, data_movimento, "
                               "id_cartao FROM movimento WHERE id <= 50").ok());
  RunResult second = RunSicoop(args, AwsEnv());
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("ingest: movimento +50 rows (2050 in the lake)"), std::string::npos) << second.output;
  RunResult direct_again = Etl((root_ / "direct").string());
  ASSERT_EQ(direct_again.exit_code, 0) << direct_again.output;
  EXPECT_TRUE(ReadWholeFile(ObjectFile("out/movimento_flat.csv")) == ReadWholeFile(root_ / "direct" / "movimento_flat.csv"));

  // lake show reads the tables and the manifests on S3.
  RunResult show = RunSicoop({"lake", "show", "--lake", Uri("lake"), "--spark", SparkUrl(), "--json"}, AwsEnv());
  ASSERT_EQ(show.exit_code, 0) << show.output;
  EXPECT_NE(show.output.find("\"run_count\":2"), std::string::npos) << show.output;
  EXPECT_NE(show.output.find("\"file\":\"" + Uri("lake/_sicoop/runs/")), std::string::npos) << show.output;
  // Each run's manifest and its page beside it.
  std::multiset<std::string> runs;
  for (const auto& entry : fs::directory_iterator(ObjectFile("lake/_sicoop/runs"))) runs.insert(entry.path().extension());
  EXPECT_EQ(runs, (std::multiset<std::string>{".html", ".html", ".json", ".json"}));
  EXPECT_FALSE(fs::exists(ObjectFile("lake/.sicoop-lake.lock")));
}

TEST_F(ObjectStorageTest, WrongCredentialsAndAMissingBucketFailBeforeSparkWithoutASecret) {
  Seed(10, 33);
  const std::string wrong_secret = "wrong-secret-4242424242";
  RunResult refused = Etl(Uri("out"), {}, wrong_secret);
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find(bucket_), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("AWS_SECRET_ACCESS_KEY"), std::string::npos) << refused.output;
  EXPECT_EQ(refused.output.find(wrong_secret), std::string::npos) << refused.output;
  EXPECT_EQ(refused.output.find(S3SecretKey()), std::string::npos) << refused.output;

  std::vector<std::string> args = {"lake", "ingest", "--db", url_, "--spark", SparkUrl()};
  std::vector<std::string> lake = LakeArgs("s3a://no-such-bucket-" + bucket_.substr(0, 20) + "/lake");
  args.insert(args.end(), lake.begin(), lake.end());
  RunResult missing = RunSicoop(args, AwsEnv());
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_NE(missing.output.find("no-such-bucket-"), std::string::npos) << missing.output;
  EXPECT_NE(missing.output.find("does not exist"), std::string::npos) << missing.output;
  EXPECT_EQ(missing.output.find(S3SecretKey()), std::string::npos) << missing.output;
  EXPECT_TRUE(FilesUnder(fs::path(S3Root()) / bucket_).empty());

  RunResult scheme = RunSicoop({"etl", "--db", url_, "--output", "gs://bucket/x"}, AwsEnv());
  EXPECT_EQ(scheme.exit_code, 2) << scheme.output;
  EXPECT_NE(scheme.output.find("s3a://BUCKET/PREFIX"), std::string::npos) << scheme.output;
}

// A run killed while its multipart upload is open leaves the previous object as it was and no
// object under the final name but that one; the next run, once the dead run's lease has ended,
// removes its staging prefix and unfinished upload and publishes.
TEST_F(ObjectStorageTest, ARunKilledMidUploadLeavesThePreviousObjectAndTheNextRunCleansUp) {
  Seed(150000, 34);
  RunResult previous = Etl(Uri("out"));
  ASSERT_EQ(previous.exit_code, 0) << previous.output;
  const std::string before = ReadWholeFile(ObjectFile("out/movimento_flat.csv"));
  ASSERT_GT(before.size(), 10u << 20);
  auto client = Client();
  ASSERT_TRUE(client);

  // The Excel preset's bytes (other than the previous object's) stream through sicoop, a window
  // of a second or more in which the upload is open.
  ProcessSpec spec;
  spec.argv = {SicoopBinary(), "etl", "--db", url_, "--output", Uri("out"), "--spark", SparkUrl(), "--excel-br"};
  spec.env = AwsEnv();
  spec.log_file = (root_ / "killed.log").string();
  auto pid = StartProcess(spec);
  ASSERT_TRUE(pid.ok()) << pid.status().message();
  bool killed = false;
  const auto give_up = Clock::now() + 300s;
  while (!killed && Clock::now() < give_up) {
    if (waitpid(*pid, nullptr, WNOHANG) == *pid) break;
    auto uploads = client->ListUploads(bucket_, "out/movimento_flat.csv");
    if (uploads.ok() && !uploads->empty()) {
      ASSERT_EQ(kill(*pid, SIGKILL), 0);
      killed = true;
    }
    std::this_thread::sleep_for(2ms);
  }
  if (!killed) kill(*pid, SIGKILL);
  waitpid(*pid, nullptr, 0);
  ASSERT_TRUE(killed) << "no multipart upload was seen before the run ended:\n" << ReadWholeFile(root_ / "killed.log");

  EXPECT_TRUE(ReadWholeFile(ObjectFile("out/movimento_flat.csv")) == before);
  auto open_uploads = client->ListUploads(bucket_, "out/movimento_flat.csv");
  ASSERT_TRUE(open_uploads.ok()) << open_uploads.status().message();
  EXPECT_EQ(open_uploads->size(), 1u);
  for (const std::string& file : FilesUnder(ObjectFile("out"))) {
    EXPECT_TRUE(file == "movimento_flat.csv" || file.rfind(".movimento_flat.", 0) == 0) << file;
  }

  // The dead run's lock holds until its lease ends: a run meanwhile fails naming it.
  RunResult blocked = Etl(Uri("out"));
  EXPECT_EQ(blocked.exit_code, 1) << blocked.output;
  EXPECT_NE(blocked.output.find(".movimento_flat.lock"), std::string::npos) << blocked.output;
  RunResult rerun;
  const auto lease_end = Clock::now() + 120s;
  do {
    std::this_thread::sleep_for(5s);
    rerun = Etl(Uri("out"));
  } while (rerun.exit_code != 0 && Clock::now() < lease_end);
  ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
  EXPECT_TRUE(ReadWholeFile(ObjectFile("out/movimento_flat.csv")) == before);
  auto left = client->ListUploads(bucket_, "out/");
  ASSERT_TRUE(left.ok()) << left.status().message();
  EXPECT_TRUE(left->empty());
  EXPECT_EQ(FilesUnder(ObjectFile("out")), std::vector<std::string>{"movimento_flat.csv"});
}

// Ctrl-C of a run on S3 removes its lock on the way out, as a folder's lock goes with its run: the
// user's immediate rerun starts instead of waiting for the lease to end.
TEST_F(ObjectStorageTest, CtrlCRemovesTheLockSoThatAnImmediateRerunSucceeds) {
  Seed(1000, 36);
  ProcessSpec spec;
  spec.argv = {SicoopBinary(), "etl", "--db", url_, "--output", Uri("out"), "--spark", SparkUrl(), "--verbose"};
  spec.env = AwsEnv();
  spec.log_file = (root_ / "interrupted.log").string();
  auto pid = StartProcess(spec);
  ASSERT_TRUE(pid.ok()) << pid.status().message();

  // The verbose line naming the run is printed once the lock is taken and its removal on a signal
  // registered: the lock object exists then.
  const fs::path lock = ObjectFile("out/.movimento_flat.lock");
  const std::string locked_line = " into " + Uri("out");
  bool locked = false;
  bool ended = false;
  const auto give_up = Clock::now() + 120s;
  while (!locked && !ended && Clock::now() < give_up) {
    ended = waitpid(*pid, nullptr, WNOHANG) == *pid;
    locked = fs::exists(lock) && ReadWholeFile(spec.log_file).find(locked_line) != std::string::npos;
    std::this_thread::sleep_for(2ms);
  }
  if (locked) {
    ASSERT_EQ(kill(*pid, SIGINT), 0);
  } else if (!ended) {
    kill(*pid, SIGKILL);
  }
  int status = 0;
  bool exited = ended;
  const auto exit_limit = Clock::now() + 60s;
  while (!exited && Clock::now() < exit_limit) {
    exited = waitpid(*pid, &status, WNOHANG) == *pid;
    if (!exited) std::this_thread::sleep_for(10ms);
  }
  if (!exited) {
    kill(*pid, SIGKILL);
    waitpid(*pid, &status, 0);
  }
  const std::string log = ReadWholeFile(spec.log_file);
  ASSERT_TRUE(locked) << "the run never held its lock:\n" << log;
  ASSERT_TRUE(exited) << "the run did not end within 60 s of Ctrl-C:\n" << log;
  const int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  EXPECT_EQ(exit_code, 130) << log;
  EXPECT_FALSE(fs::exists(lock)) << log;

  RunResult rerun = Etl(Uri("out"));
  ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
  const std::string published = ReadWholeFile(ObjectFile("out/movimento_flat.csv"));
  EXPECT_EQ(std::count(published.begin(), published.end(), '\n'), 1001);
  EXPECT_EQ(FilesUnder(ObjectFile("out")), std::vector<std::string>{"movimento_flat.csv"});
}

}  // namespace
}  // namespace sicoop::testing
