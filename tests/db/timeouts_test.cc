// The timeouts of a source database: what --db-timeout makes of a number, and how Spark's JDBC
// reads get them: in the JDBC URL, in each driver's own names and units.
#include "db/timeouts.h"

#include <gtest/gtest.h>

#include "db/db_url.h"
#include "pipeline/extract.h"
#include "pipeline/source_tables.h"

namespace sicoop::db {
namespace {

using std::chrono::seconds;

TEST(TimeoutsTest, DefaultsWaitTenSecondsToConnectAndFiveMinutesForAnAnswer) {
  Timeouts defaults;
  EXPECT_EQ(defaults.connect, seconds(10));
  EXPECT_EQ(defaults.read, seconds(300));
}

TEST(TimeoutsTest, DbTimeoutSetsTheWaitsAndShortensTheConnectOnlyBelowItsDefault) {
  EXPECT_EQ(TimeoutsOf(seconds(3)).read, seconds(3));
  EXPECT_EQ(TimeoutsOf(seconds(3)).connect, seconds(3));
  EXPECT_EQ(TimeoutsOf(seconds(900)).read, seconds(900));
  EXPECT_EQ(TimeoutsOf(seconds(900)).connect, seconds(10));
}

TEST(TimeoutsTest, PgjdbcTakesSecondsAndBoundsTheLoginToo) {
  EXPECT_EQ(WithJdbcTimeouts("jdbc:postgresql://h:5432/d", Dialect::kPostgres, TimeoutsOf(seconds(45))),
            "jdbc:postgresql://h:5432/d?connectTimeout=10&loginTimeout=10&socketTimeout=45");
}

TEST(TimeoutsTest, ConnectorJTakesMillisecondsAfterTheUrlsOwnParameters) {
  EXPECT_EQ(WithJdbcTimeouts("jdbc:mysql://h:3306/d?useCursorFetch=true", Dialect::kMysql, TimeoutsOf(seconds(7))),
            "jdbc:mysql://h:3306/d?useCursorFetch=true&connectTimeout=7000&socketTimeout=7000");
}

TEST(TimeoutsTest, EverySparkJdbcReadCarriesTheTimeoutsInItsUrl) {
  struct Case {
    const char* url;
    const char* parameters;
  };
  for (const Case& c : {Case{"postgresql://u@h:5432/d?sslmode=require", "connectTimeout=10&loginTimeout=10&socketTimeout=42"},
                        Case{"mysql://u@h:3306/d", "connectTimeout=10000&socketTimeout=42000"}}) {
    auto url = ParseDbUrl(c.url);
    ASSERT_TRUE(url.ok()) << url.status().message();
    url->timeouts = TimeoutsOf(seconds(42));
    const std::string jdbc = url->JdbcUrl();
    EXPECT_EQ(jdbc.substr(jdbc.size() - std::string(c.parameters).size()), c.parameters) << jdbc;
    EXPECT_EQ(jdbc.find('?'), jdbc.rfind('?')) << "one query: " << jdbc;
    for (const pipeline::SourceTable& table : pipeline::SourceTables()) {
      pipeline::TableProfile profile;
      profile.rows = 100000;
      profile.min_key = 1;
      profile.max_key = 100000;
      profile.first_time = "2024-01-01 00:00:00";
      profile.last_time = "2024-12-31 23:59:59";
      EXPECT_EQ(pipeline::PlanJdbcRead(*url, table, profile, 4).options.at("url"), jdbc) << table.name;
    }
  }
}

TEST(TimeoutsTest, ASparkFailureAtTheJdbcTimeoutNamesTheSourceAndTheWait) {
  auto url = ParseDbUrl("mysql://u@db.example:3307/d");
  ASSERT_TRUE(url.ok());
  url->timeouts = TimeoutsOf(seconds(4));
  const Status timed_out = Status::Failure("Spark: Job aborted: java.net.SocketTimeoutException: Read timed out");
  EXPECT_EQ(pipeline::ExplainJdbcTimeout(timed_out, *url).message(),
            "MySQL/MariaDB at db.example:3307 sent nothing for 4 s (or did not accept a connection within 4 s) while "
            "Spark read it over JDBC — the server may be stopped, overloaded or cut off by the network: check it, or "
            "allow longer waits with --db-timeout: " + timed_out.message());
  const Status other = Status::Failure("Spark: [TABLE_OR_VIEW_NOT_FOUND] movimento");
  EXPECT_EQ(pipeline::ExplainJdbcTimeout(other, *url).message(), other.message());
}

}  // namespace
}  // namespace sicoop::db
