// TLS with verification, end to end: `db init`, `db seed` and `etl` against a PostgreSQL and a
// MariaDB of the test's own that accept TCP connections over TLS only, with certificates the test
// makes; and `etl` through nginx terminating TLS in front of the harness Spark Connect server, with a
// bearer token. A wrong host name, an untrusted CA and a wrong token fail with a message that says
// what to check.
#include <gtest/gtest.h>

#include <filesystem>

#include "cli/tls_support.h"
#include "support/files.h"
#include "support/fresh_database.h"
#include "support/run_sicoop.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {
namespace fs = std::filesystem;

constexpr int kMovimentos = 300;

int CountLines(const std::string& text) {
  int lines = 0;
  for (char c : text) lines += c == '\n';
  return lines;
}

int Count(const std::string& text, const std::string& needle) {
  int count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = MakeTestFolder("sicoop-tls");
    certificates_ = MakeTestCertificates(root_);
    ASSERT_FALSE(certificates_.ca.empty());
  }
  void TearDown() override { fs::remove_all(root_); }

  // db init, db seed and etl on `url`: every step exits 0 and the file holds every movimento.
  void InitSeedAndEtl(const std::string& url) {
    RunResult init = RunSicoop({"db", "init", "--db", url});
    ASSERT_EQ(init.exit_code, 0) << init.output;
    RunResult seed = RunSicoop({"db", "seed", "--db", url, "--movimentos", std::to_string(kMovimentos)});
    ASSERT_EQ(seed.exit_code, 0) << seed.output;
    const fs::path output = root_ / "out";
    RunResult etl = RunSicoop({"etl", "--db", url, "--output", output.string(), "--spark", SparkUrl()});
    ASSERT_EQ(etl.exit_code, 0) << etl.output;
    EXPECT_EQ(CountLines(ReadWholeFile(output / "movimento_flat.csv")), kMovimentos + 1);
    // The JDBC trust store of a MySQL read goes with its run.
    for (const auto& entry : fs::directory_iterator(output)) {
      EXPECT_EQ(entry.path().filename(), "movimento_flat.csv") << "left behind: " << entry.path();
    }
  }

  // A connection that must fail: exit 1, one message naming the host and what to check.
  void ExpectRefused(const std::string& url, const std::vector<std::string>& says) {
    RunResult run = RunSicoop({"db", "init", "--db", url});
    EXPECT_EQ(run.exit_code, 1) << run.output;
    for (const std::string& text : says) EXPECT_NE(run.output.find(text), std::string::npos) << run.output;
    EXPECT_EQ(run.output.find("tls-test-pw"), std::string::npos) << run.output;
  }

  fs::path root_;
  TestCertificates certificates_;
};

TEST_F(TlsTest, PostgresVerifyFullReadsOverTlsEverywhereAndRefusesAWrongHostOrAnUntrustedCa) {
  TlsPostgres server(root_, certificates_);
  ASSERT_NE(server.port(), 0);
  const std::string ca = "&sslrootcert=" + certificates_.ca.string();
  InitSeedAndEtl(server.Url("localhost", "?sslmode=verify-full" + ca));
  // Every session, sicoop's and Spark's JDBC readers', was encrypted: the server refuses any other,
  // and its log says so of each one.
  const std::string log = server.Log();
  // pgjdbc names itself only after the start-up, so its lines carry no application_name.
  EXPECT_GE(Count(log, "database=postgres SSL enabled"), 4) << log;
  EXPECT_GE(Count(log, "application_name=sicoop SSL enabled"), 3) << log;
  EXPECT_EQ(Count(log, "connection authorized"), Count(log, "SSL enabled")) << log;

  const std::string endpoint = "127.0.0.1:" + std::to_string(server.port());
  ExpectRefused(server.Url("localhost", "?sslmode=disable"), {"localhost:", "no encryption"});
  // The certificate names localhost only.
  ExpectRefused(server.Url("127.0.0.1", "?sslmode=verify-full" + ca),
                {endpoint, "does not match host name \"127.0.0.1\"",
                 "the server's certificate failed verification under sslmode=verify-full",
                 "holds the CA that signed it and that the certificate names the host 127.0.0.1"});
  ExpectRefused(server.Url("localhost", "?sslmode=verify-full&sslrootcert=" + certificates_.untrusted_ca.string()),
                {"localhost:" + std::to_string(server.port()), "certificate verify failed",
                 "check that sslrootcert=" + certificates_.untrusted_ca.string() + " holds the CA that signed it"});
  // verify-ca checks the chain only: the same host name is fine.
  RunResult ca_only = RunSicoop({"db", "init", "--db", server.Url("127.0.0.1", "?sslmode=verify-ca" + ca)});
  EXPECT_EQ(ca_only.exit_code, 0) << ca_only.output;
}

TEST_F(TlsTest, MariadbVerifyIdentityReadsOverTlsEverywhereAndRefusesAWrongHostOrAnUntrustedCa) {
  TlsMariadb server(root_, certificates_);
  ASSERT_NE(server.port(), 0);
  const std::string ca = "&ssl-ca=" + certificates_.ca.string();
  const long handshakes_before = server.TlsHandshakes();
  InitSeedAndEtl(server.Url("localhost", "?ssl-mode=VERIFY_IDENTITY" + ca));
  // The server requires secure transport of everyone; Connector/J's readers (one per table at
  // least) and sicoop's own three sessions all came through TLS.
  EXPECT_GE(server.TlsHandshakes() - handshakes_before, 3 + 4);

  const std::string endpoint = "127.0.0.1:" + std::to_string(server.port());
  // MariaDB says no more than this to a user who must use TLS and did not.
  ExpectRefused(server.Url("localhost", "?ssl-mode=DISABLED"), {"localhost:", "Access denied"});
  ExpectRefused(server.Url("127.0.0.1", "?ssl-mode=VERIFY_IDENTITY" + ca),
                {endpoint, "the server's certificate failed verification under ssl-mode=VERIFY_IDENTITY",
                 "holds the CA that signed it and that the certificate names the host 127.0.0.1"});
  ExpectRefused(server.Url("localhost", "?ssl-mode=VERIFY_IDENTITY&ssl-ca=" + certificates_.untrusted_ca.string()),
                {"localhost:" + std::to_string(server.port()),
                 "check that ssl-ca=" + certificates_.untrusted_ca.string() + " holds the CA that signed it"});
  RunResult ca_only = RunSicoop({"db", "init", "--db", server.Url("127.0.0.1", "?ssl-mode=VERIFY_CA" + ca)});
  EXPECT_EQ(ca_only.exit_code, 0) << ca_only.output;
}

TEST_F(TlsTest, SparkConnectThroughATlsProxyWithABearerToken) {
  const std::string spark = SparkUrl();
  ASSERT_EQ(spark.rfind("sc://", 0), 0u) << spark;
  const std::string token = "T0ken-of-the-test";
  GrpcTlsProxy proxy(root_, certificates_, spark.substr(5), token);
  ASSERT_NE(proxy.port(), 0);
  FreshDatabase db = MakeFreshDatabase("postgres");
  ASSERT_NE(db.connection, nullptr);
  ASSERT_EQ(RunSicoop({"db", "init", "--db", db.url}).exit_code, 0);
  ASSERT_EQ(RunSicoop({"db", "seed", "--db", db.url, "--movimentos", std::to_string(kMovimentos)}).exit_code, 0);
  // gRPC trusts the CAs of this file instead of the system's.
  const std::pair<std::string, std::string> trust_ca = {"GRPC_DEFAULT_SSL_ROOTS_FILE_PATH", certificates_.ca.string()};
  const std::string base = "sc://localhost:" + std::to_string(proxy.port()) + "/;token=";
  const fs::path output = root_ / "out";

  // A token without use_ssl: TLS all the same, as Spark Connect's rule says, and sicoop says so.
  SplitRunResult good = RunSicoopSplit({"etl", "--db", db.url, "--output", output.string(), "--spark", base + token},
                                       {trust_ca}, std::chrono::seconds(300));
  ASSERT_EQ(good.exit_code, 0) << good.out << good.err;
  EXPECT_EQ(CountLines(ReadWholeFile(output / "movimento_flat.csv")), kMovimentos + 1);
  EXPECT_EQ(Count(good.err, "token= implies use_ssl=true"), 1) << good.err;
  EXPECT_EQ((good.out + good.err).find(token), std::string::npos);
  EXPECT_GT(proxy.Passed(), 0);
  EXPECT_EQ(proxy.Refused(), 0);

  RunResult wrong_token = RunSicoop({"etl", "--db", db.url, "--output", output.string(), "--spark",
                                     base + "not-the-token;use_ssl=true"},
                                    {trust_ca});
  EXPECT_EQ(wrong_token.exit_code, 1) << wrong_token.output;
  EXPECT_NE(wrong_token.output.find("UNAUTHENTICATED"), std::string::npos) << wrong_token.output;
  EXPECT_NE(wrong_token.output.find("check the token"), std::string::npos) << wrong_token.output;
  EXPECT_EQ(wrong_token.output.find("not-the-token"), std::string::npos) << wrong_token.output;
  EXPECT_GT(proxy.Refused(), 0);

  RunResult untrusted = RunSicoop({"etl", "--db", db.url, "--output", output.string(), "--spark",
                                   base + token + ";use_ssl=true"},
                                  {{"GRPC_DEFAULT_SSL_ROOTS_FILE_PATH", certificates_.untrusted_ca.string()}});
  EXPECT_EQ(untrusted.exit_code, 1) << untrusted.output;
  EXPECT_NE(untrusted.output.find("localhost:" + std::to_string(proxy.port())), std::string::npos) << untrusted.output;
  EXPECT_NE(untrusted.output.find("its certificate is trusted"), std::string::npos) << untrusted.output;
  EXPECT_NE(untrusted.output.find("GRPC_DEFAULT_SSL_ROOTS_FILE_PATH"), std::string::npos) << untrusted.output;
  EXPECT_EQ(untrusted.output.find(token), std::string::npos) << untrusted.output;
}

}  // namespace
}  // namespace sicoop::testing
