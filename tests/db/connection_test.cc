// Connections, the schema and SQL text on real PostgreSQL and MariaDB servers.
#include "db/connection.h"

#include <gtest/gtest.h>

#include "db/schema.h"
#include "support/fresh_database.h"
#include "support/ports.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {

constexpr const char* kHarnessPassword = "p@ss:w0rd/%";

class ConnectionTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = MakeFreshDatabase(GetParam());
    ASSERT_TRUE(db_.connection);
  }
  db::Connection& conn() { return *db_.connection; }
  FreshDatabase db_;
};

TEST_P(ConnectionTest, InitSchemaIsIdempotentAndCheckSchemaAcceptsIt) {
  Status missing = db::CheckSchema(conn());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("has no table 'associado'"), std::string::npos) << missing.message();
  EXPECT_NE(missing.message().find("sicoop db init"), std::string::npos) << missing.message();
  EXPECT_NE(missing.message().find(db::ParseDbUrl(db_.url)->database), std::string::npos) << missing.message();
  EXPECT_EQ(missing.message().find(kHarnessPassword), std::string::npos);

  ASSERT_TRUE(db::InitSchema(conn()).ok());
  Status again = db::InitSchema(conn());
  EXPECT_TRUE(again.ok()) << again.message();
  Status check = db::CheckSchema(conn());
  EXPECT_TRUE(check.ok()) << check.message();

  ASSERT_TRUE(conn().Execute("DROP TABLE movimento").ok());
  Status partial = db::CheckSchema(conn());
  EXPECT_NE(partial.message().find("has no table 'movimento'"), std::string::npos) << partial.message();
}

TEST_P(ConnectionTest, ForeignKeysAndTheirIndexesExist) {
  ASSERT_TRUE(db::InitSchema(conn()).ok());
  auto index_names = [&] {
    std::string sql =
        GetParam() == "postgres"
            ? "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname LIKE '%_idx' "
              "ORDER BY 1"
            : "SELECT DISTINCT index_name FROM information_schema.statistics WHERE table_schema = DATABASE() "
              "AND index_name LIKE '%_idx' ORDER BY 1";
    auto indexes = conn().Query(sql);
    EXPECT_TRUE(indexes.ok()) << indexes.status().message();
    std::vector<std::string> names;
    if (indexes.ok()) {
      for (const auto& row : *indexes) names.push_back(*row[0]);
    }
    return names;
  };
  const std::vector<std::string> all = {"cartao_id_associado_idx", "cartao_id_conta_idx", "conta_id_associado_idx",
                                        "movimento_data_movimento_idx", "movimento_id_cartao_idx"};
  EXPECT_EQ(index_names(), all);
  // A schema made before an index existed gets it from the next init.
  std::string drop = GetParam() == "postgres" ? "DROP INDEX movimento_data_movimento_idx"
                                              : "DROP INDEX movimento_data_movimento_idx ON movimento";
  ASSERT_TRUE(conn().Execute(drop).ok());
  ASSERT_EQ(index_names().size(), all.size() - 1);
  Status again = db::InitSchema(conn());
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_EQ(index_names(), all);
  Status orphan = conn().Execute(
      "INSERT INTO movimento (id, vlr_transacao, des_transacao, data_movimento, id_cartao) "
      "VALUES (1, 1.00, 'x', '2024-01-01 00:00:00', 999)");
  EXPECT_FALSE(orphan.ok());
}

TEST_P(ConnectionTest, ArbitraryUtf8TextRoundTripsThroughQuoteLiteral) {
  ASSERT_TRUE(db::InitSchema(conn()).ok());
  const std::string nasty = "Zoë 😀 D'Ávila \"x\", a;b\nc\\d\t  ";
  ASSERT_TRUE(conn().Execute("INSERT INTO associado (id, nome, sobrenome, idade) VALUES (1, " +
                             conn().QuoteLiteral(nasty) + ", " + conn().QuoteLiteral("\\") + ", 30); "
                             "INSERT INTO associado (id, nome, sobrenome, idade) VALUES (2, 'b', 'c', 31)")
                  .ok());
  auto rows = conn().Query("SELECT nome, sobrenome, email FROM associado ORDER BY id");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0][0], nasty);
  EXPECT_EQ((*rows)[0][1], "\\");
  EXPECT_EQ((*rows)[0][2], std::nullopt);
  if (GetParam() == "mysql") {
    // The escaping follows the session: with NO_BACKSLASH_ESCAPES a backslash is not an escape.
    ASSERT_TRUE(conn().Execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')").ok());
    ASSERT_TRUE(conn().Execute("UPDATE associado SET nome = " + conn().QuoteLiteral(nasty) + " WHERE id = 2").ok());
    auto again = conn().Query("SELECT nome FROM associado WHERE id = 2");
    ASSERT_TRUE(again.ok());
    EXPECT_EQ((*again)[0][0], nasty);
  }
}

TEST_P(ConnectionTest, ErrorsNameTheServerAndTheStatementProblem) {
  Status bad = conn().Execute("SELEKT 1");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("127.0.0.1:"), std::string::npos) << bad.message();
  EXPECT_NE(bad.message().find(db::ParseDbUrl(db_.url)->database), std::string::npos) << bad.message();
  auto missing = conn().Query("SELECT * FROM nowhere");
  EXPECT_FALSE(missing.ok());
}

TEST_P(ConnectionTest, WrongPasswordIsRefusedWithoutEchoingIt) {
  auto url = db::ParseDbUrl(db_.url);
  ASSERT_TRUE(url.ok());
  url->password = "Wr0ngPa55";
  auto connection = db::Connect(*url);
  ASSERT_FALSE(connection.ok());
  const std::string& message = connection.status().message();
  EXPECT_EQ(message.find("Wr0ngPa55"), std::string::npos) << message;
  EXPECT_NE(message.find("check the user and password"), std::string::npos) << message;
  EXPECT_NE(message.find(url->Endpoint()), std::string::npos) << message;
}

TEST_P(ConnectionTest, UnknownDatabaseIsNamed) {
  auto url = db::ParseDbUrl(WithDatabase(db_.url, "no_such_db"));
  auto connection = db::Connect(*url);
  ASSERT_FALSE(connection.ok());
  EXPECT_NE(connection.status().message().find("no_such_db"), std::string::npos) << connection.status().message();
}

// Fails on the refusal, naming where it tried (a hang would be caught by the test's CTest timeout,
// not by a clock here).
TEST_P(ConnectionTest, RefusedConnectionFailsOnTheRefusalNamingHostAndPort) {
  HeldPort closed(HeldPort::Kind::kRefusing);
  ASSERT_NE(closed.port(), 0);
  auto url = db::ParseDbUrl((GetParam() == "postgres" ? "postgresql" : std::string("mysql")) +
                            "://u:secret@127.0.0.1:" + std::to_string(closed.port()) + "/d");
  auto connection = db::Connect(*url);
  ASSERT_FALSE(connection.ok());
  const std::string& message = connection.status().message();
  EXPECT_NE(message.find("127.0.0.1:" + std::to_string(closed.port())), std::string::npos) << message;
  // The driver's own reason: libpq names the refusal; MariaDB Connector/C says it could not connect.
  EXPECT_NE(message.find(GetParam() == "postgres" ? "Connection refused" : "Can't connect to server on '127.0.0.1'"),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find("secret"), std::string::npos);
  // One line, no tab of the driver's inside, and the advice to check the server given once.
  EXPECT_EQ(message.find_first_of("\t\n"), std::string::npos) << message;
  EXPECT_EQ(message.find("Is the server running"), std::string::npos) << message;
  const size_t advice = message.find("server is running");
  ASSERT_NE(advice, std::string::npos) << message;
  EXPECT_EQ(message.find("server is running", advice + 1), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(Dialects, ConnectionTest, ::testing::Values("postgres", "mysql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace sicoop::testing
