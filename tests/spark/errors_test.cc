#include "spark/internal/errors.h"

#include <gtest/gtest.h>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace sicoop::spark {
namespace {

using ::spark::connect::FetchErrorDetailsResponse;

constexpr const char* kNotFound =
    "[TABLE_OR_VIEW_NOT_FOUND] The table or view `x` cannot be found. Verify the spelling.\n"
    "If you did not qualify the name with a schema, verify the current_schema() output.\n"
    "To tolerate the error on drop use DROP VIEW IF EXISTS. SQLSTATE: 42P01; line 1 pos 14;\n"
    "'Project [*]\n"
    "+- 'UnresolvedRelation [x], [], false\n";

// A failed call as Spark Connect returns it: message, and an ErrorInfo in the details.
grpc::Status SparkFailure(const std::string& message, const std::map<std::string, std::string>& metadata) {
  google::rpc::ErrorInfo info;
  info.set_reason("org.apache.spark.sql.AnalysisException");
  info.set_domain("org.apache.spark");
  for (const auto& [key, value] : metadata) (*info.mutable_metadata())[key] = value;
  google::rpc::Status details;
  details.set_code(static_cast<int>(grpc::StatusCode::INTERNAL));
  details.set_message(message);
  details.add_details()->PackFrom(info);
  return grpc::Status(grpc::StatusCode::INTERNAL, message, details.SerializeAsString());
}

TEST(ErrorsTest, MessageHeadStopsBeforeThePlan) {
  EXPECT_EQ(MessageHead(kNotFound),
            "[TABLE_OR_VIEW_NOT_FOUND] The table or view `x` cannot be found. Verify the spelling.\n"
            "If you did not qualify the name with a schema, verify the current_schema() output.\n"
            "To tolerate the error on drop use DROP VIEW IF EXISTS. SQLSTATE: 42P01; line 1 pos 14;");
}

TEST(ErrorsTest, MessageHeadStopsBeforeQueryContextAndStackFrames) {
  EXPECT_EQ(MessageHead("[DIVIDE_BY_ZERO] Division by zero. SQLSTATE: 22012\n== SQL (line 1, position 8) ==\n"
                        "SELECT 1/0\n       ^^^\n"),
            "[DIVIDE_BY_ZERO] Division by zero. SQLSTATE: 22012");
  EXPECT_EQ(MessageHead("java.io.IOException: boom\n\tat org.apache.Foo.bar(Foo.java:1)\n"),
            "java.io.IOException: boom");
}

TEST(ErrorsTest, MessageHeadKeepsAtMostSixLines) {
  EXPECT_EQ(MessageHead("1\n2\n3\n4\n5\n6\n7\n8\n"), "1\n2\n3\n4\n5\n6");
}

TEST(ErrorsTest, FetchedDetailsGiveTheRootErrorAndAnInformativeCause) {
  grpc::Status status = SparkFailure("[TABLE_OR_VIEW_NOT_FOUND] trunc...", {{"errorId", "id-1"}});
  std::string asked;
  auto fetch = [&asked](const std::string& error_id) -> std::optional<FetchErrorDetailsResponse> {
    asked = error_id;
    FetchErrorDetailsResponse details;
    details.set_root_error_idx(0);
    auto* root = details.add_errors();
    root->add_error_type_hierarchy("org.apache.spark.SparkException");
    root->set_message("Job aborted due to stage failure: Task 0 failed\n\tat org.apache.X.y(X.scala:1)");
    root->mutable_spark_throwable()->set_error_class("FAILED_EXECUTE_UDF");
    root->set_cause_idx(1);
    auto* cause = details.add_errors();
    cause->add_error_type_hierarchy("org.postgresql.util.PSQLException");
    cause->set_message("FATAL: password authentication failed for user \"sicoop\"");
    return details;
  };
  Status error = SparkErrorStatus(status, fetch);
  EXPECT_EQ(asked, "id-1");
  EXPECT_FALSE(error.ok());
  EXPECT_EQ(error.message(),
            "Spark: [FAILED_EXECUTE_UDF] Job aborted due to stage failure: Task 0 failed\n"
            "  caused by: PSQLException: FATAL: password authentication failed for user \"sicoop\"");
}

TEST(ErrorsTest, WithoutDetailsTheErrorInfoIsUsed) {
  grpc::Status status = SparkFailure("Table missing", {{"errorClass", "TABLE_OR_VIEW_NOT_FOUND"}});
  Status error = SparkErrorStatus(status, nullptr);
  EXPECT_EQ(error.message(), "Spark: [TABLE_OR_VIEW_NOT_FOUND] Table missing");
}

TEST(ErrorsTest, FailedFetchFallsBackToTheErrorInfo) {
  grpc::Status status = SparkFailure(kNotFound, {{"errorId", "gone"}});
  Status error = SparkErrorStatus(status, [](const std::string&) { return std::nullopt; });
  EXPECT_EQ(error.message().find("Spark: [TABLE_OR_VIEW_NOT_FOUND] The table or view `x`"), 0u);
  EXPECT_EQ(error.message().find("UnresolvedRelation"), std::string::npos);
}

TEST(ErrorsTest, PlainGrpcFailureNamesTheCode) {
  Status error = SparkErrorStatus(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "bad token"), nullptr);
  EXPECT_EQ(error.message(),
            "Spark Connect call failed (UNAUTHENTICATED): bad token — the server refused the credentials: check the "
            "token= of the Spark Connect URL");
}

}  // namespace
}  // namespace sicoop::spark
