// A failure's reason is what callers switch on, so context added on the way up must keep it.
#include "common/status.h"

#include <gtest/gtest.h>

namespace sicoop {
namespace {

TEST(StatusTest, ContextKeepsTheCodeAndTheReason) {
  Status refused = Status::Failure("password authentication failed", Status::Reason::kAuthentication);
  Status wrapped = refused.WithContext("reading table conta").WithContext("etl");
  EXPECT_EQ(wrapped.message(), "etl: reading table conta: password authentication failed");
  EXPECT_EQ(wrapped.code(), Status::Code::kFailure);
  EXPECT_EQ(wrapped.reason(), Status::Reason::kAuthentication);
}

TEST(StatusTest, AFailureWithoutAReasonAndAUsageErrorAreUnspecified) {
  EXPECT_EQ(Status::Failure("disk full").reason(), Status::Reason::kUnspecified);
  Status usage = Status::Usage("bad --port");
  EXPECT_TRUE(usage.is_usage());
  EXPECT_EQ(usage.reason(), Status::Reason::kUnspecified);
  EXPECT_TRUE(Status::Ok().ok());
}

}  // namespace
}  // namespace sicoop
