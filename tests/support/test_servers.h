// What an integration test needs to reach the servers that tests/harness/servers.sh started for the
// CTest fixtures "db_servers" and "spark_server" (Spark and the S3 server). A missing server is a test failure, never a skip.
#pragma once

#include <string>

namespace sicoop::testing {

// Each returns the URL of a running server, or fails the current test (ADD_FAILURE) and returns "".
std::string PostgresUrl();  // postgresql://sicoop:...@127.0.0.1:PORT/postgres (superuser)
std::string MysqlUrl();     // mysql://sicoop:...@127.0.0.1:PORT/mysql (all privileges)
std::string SparkUrl();     // sc://127.0.0.1:PORT

// The S3-compatible server (s3proxy) started with the "spark_server" fixture; the Spark server
// holds its credentials. Each fails the current test and returns "" when it is missing.
std::string S3Endpoint();   // http://127.0.0.1:PORT
std::string S3AccessKey();  // for AWS_ACCESS_KEY_ID
std::string S3SecretKey();  // for AWS_SECRET_ACCESS_KEY
std::string S3Region();     // for AWS_REGION
// The folder behind the server: bucket B's object K is the file S3Root()/B/K. An object that
// Spark is to read must be put through S3: a file written here by hand has no ETag (s3proxy keeps
// it in an extended attribute), and S3A refuses to read an object without one.
std::string S3Root();
// Makes an empty bucket of the current test's own, named after the test and unique across test
// processes, and returns its name (or fails the test and returns "").
std::string FreshS3Bucket();

// `url` with its database name replaced by `database` (e.g. to point at a per-test database).
std::string WithDatabase(const std::string& url, const std::string& database);

// The path of the built sicoop executable ($SICOOP_BIN).
std::string SicoopBinary();

}  // namespace sicoop::testing
