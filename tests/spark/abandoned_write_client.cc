// A Spark Connect client for reattach_test's abandonment case: it opens a session on the endpoint
// given as argv[1] and writes, as CSV into the folder argv[2], a plan that naps half a second per
// row, so that the write runs far longer than the test. The test SIGKILLs or SIGTERMs it mid-write.
#include <cstdio>

#include "spark/session.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: abandoned_write_client sc://HOST:PORT FOLDER\n");
    return 2;
  }
  auto endpoint = sicoop::spark::ParseConnectionString(argv[1]);
  if (!endpoint.ok()) {
    std::fprintf(stderr, "%s\n", endpoint.status().message().c_str());
    return 2;
  }
  auto session = sicoop::spark::SparkSession::Connect(*endpoint);
  if (!session.ok()) {
    std::fprintf(stderr, "%s\n", session.status().message().c_str());
    return 1;
  }
  // The nap is a column of the output, so no optimizer can leave it out. It comes after a shuffle,
  // whose reader checks its task's kill flag at every row, as Spark's JDBC reader does for sicoop's
  // own writes: straight off range() a task would see its kill only through its thread's interrupt,
  // which Hadoop's chmod swallows when it comes while the task creates its files.
  sicoop::Status written =
      (*session)
          ->Sql("SELECT id, reflect('java.lang.Thread', 'sleep', CAST(500 + id % 2 AS BIGINT)) AS nap "
                "FROM (SELECT /*+ REPARTITION(2) */ id FROM range(0, 100000, 1, 2))")
          .Write()
          .Format("csv")
          .Save(argv[2]);
  std::fprintf(stderr, "%s\n", written.ok() ? "written" : written.message().c_str());
  return written.ok() ? 0 : 1;
}
