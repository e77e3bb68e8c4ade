// The S3 client and the join against a real S3 server (the harness's s3proxy).
#include "storage/s3_client.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>

#include "storage/object_join.h"
#include "support/files.h"
#include "support/ports.h"
#include "support/test_servers.h"

namespace sicoop::storage {
namespace {

using sicoop::testing::FreshS3Bucket;

AwsEnvironment TestEnvironment() {
  AwsEnvironment environment;
  environment.endpoint_url = sicoop::testing::S3Endpoint();
  environment.region = sicoop::testing::S3Region();
  environment.access_key_id = sicoop::testing::S3AccessKey();
  environment.secret_access_key = sicoop::testing::S3SecretKey();
  // No ~/.aws of the machine's user may change what the test sees.
  environment.home = sicoop::testing::MakeTestFolder("s3-home").string();
  return environment;
}

std::unique_ptr<S3Client> NewClient(const AwsEnvironment& environment) {
  Result<S3Settings> settings = S3Settings::Resolve(environment);
  EXPECT_TRUE(settings.ok()) << settings.status().message();
  if (!settings.ok()) return nullptr;
  Result<std::unique_ptr<S3Client>> client = S3Client::Create(*settings);
  EXPECT_TRUE(client.ok()) << client.status().message();
  return client.ok() ? std::move(client).value() : nullptr;
}

// `size` bytes of text lines that differ from one object to the next.
std::string Lines(int64_t size, unsigned seed) {
  std::mt19937 random(seed);
  std::string text;
  text.reserve(static_cast<size_t>(size));
  while (static_cast<int64_t>(text.size()) < size) {
    text += std::to_string(random()) + ";" + std::to_string(random() % 1000) + "\n";
  }
  text.resize(static_cast<size_t>(size));
  return text;
}

std::string Read(S3Client& client, const std::string& bucket, const std::string& key) {
  Result<std::string> body = client.GetSmall(bucket, key);
  EXPECT_TRUE(body.ok()) << body.status().message();
  return body.ok() ? *body : "";
}

// Passes every call on to a real client and counts how the join moved the bytes: copied on the
// server, or read through sicoop.
class CountingClient final : public S3Client {
 public:
  explicit CountingClient(S3Client& client) : client_(client) {}
  int copies = 0;
  int uploads = 0;
  int64_t bytes_read = 0;

  Status CheckBucket(const std::string& bucket, const std::string& prefix) override {
    return client_.CheckBucket(bucket, prefix);
  }
  Result<std::vector<ObjectInfo>> List(const std::string& bucket, const std::string& prefix) override {
    return client_.List(bucket, prefix);
  }
  Status Get(const std::string& bucket, const std::string& key, int64_t offset, int64_t length,
             const std::function<bool(std::string_view)>& sink) override {
    return client_.Get(bucket, key, offset, length, [&](std::string_view chunk) {
      bytes_read += static_cast<int64_t>(chunk.size());
      return sink(chunk);
    });
  }
  Result<std::string> GetSmall(const std::string& bucket, const std::string& key, ObjectVersion* version) override {
    return client_.GetSmall(bucket, key, version);
  }
  Result<std::string> Put(const std::string& bucket, const std::string& key, std::string_view body,
                          const Condition& condition) override {
    return client_.Put(bucket, key, body, condition);
  }
  Status Delete(const std::string& bucket, const std::string& key, const Condition& condition) override {
    return client_.Delete(bucket, key, condition);
  }
  Result<int64_t> DeletePrefix(const std::string& bucket, const std::string& prefix) override {
    return client_.DeletePrefix(bucket, prefix);
  }
  Result<std::string> StartUpload(const std::string& bucket, const std::string& key) override {
    return client_.StartUpload(bucket, key);
  }
  Result<std::string> UploadPart(const std::string& bucket, const std::string& key, const std::string& upload_id,
                                 int part_number, std::string_view body) override {
    ++uploads;
    return client_.UploadPart(bucket, key, upload_id, part_number, body);
  }
  Result<std::string> CopyPart(const std::string& bucket, const std::string& key, const std::string& upload_id,
                               int part_number, const std::string& source_key) override {
    ++copies;
    return client_.CopyPart(bucket, key, upload_id, part_number, source_key);
  }
  Status CompleteUpload(const std::string& bucket, const std::string& key, const std::string& upload_id,
                        const std::vector<std::string>& part_etags) override {
    return client_.CompleteUpload(bucket, key, upload_id, part_etags);
  }
  Status AbortUpload(const std::string& bucket, const std::string& key, const std::string& upload_id) override {
    return client_.AbortUpload(bucket, key, upload_id);
  }
  Result<std::vector<std::pair<std::string, std::string>>> ListUploads(const std::string& bucket,
                                                                     const std::string& prefix) override {
    return client_.ListUploads(bucket, prefix);
  }

 private:
  S3Client& client_;
};

class S3ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bucket_ = FreshS3Bucket();
    ASSERT_FALSE(bucket_.empty());
    client_ = NewClient(TestEnvironment());
    ASSERT_NE(client_, nullptr);
  }
  std::string bucket_;
  std::unique_ptr<S3Client> client_;
};

TEST_F(S3ClientTest, PutGetListDelete) {
  ASSERT_TRUE(client_->CheckBucket(bucket_, "lake").ok());
  Result<std::string> etag = client_->Put(bucket_, "run/a b+ç.csv", "hello, world");
  ASSERT_TRUE(etag.ok()) << etag.status().message();
  ASSERT_TRUE(client_->Put(bucket_, "run/z", "").ok());
  ASSERT_TRUE(client_->Put(bucket_, "other", "x").ok());

  ObjectVersion version;
  Result<std::string> body = client_->GetSmall(bucket_, "run/a b+ç.csv", &version);
  ASSERT_TRUE(body.ok()) << body.status().message();
  EXPECT_EQ(*body, "hello, world");
  EXPECT_EQ(version.etag, *etag);
  EXPECT_GE(version.age_seconds, 0);

  std::string range;
  ASSERT_TRUE(client_->Get(bucket_, "run/a b+ç.csv", 7, 5, [&](std::string_view chunk) {
    range.append(chunk);
    return true;
  }).ok());
  EXPECT_EQ(range, "world");

  Result<std::vector<ObjectInfo>> listed = client_->List(bucket_, "run/");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].key, "run/a b+ç.csv");
  EXPECT_EQ((*listed)[0].size, 12);
  EXPECT_EQ((*listed)[0].etag, *etag);
  EXPECT_EQ((*listed)[1].key, "run/z");
  EXPECT_EQ((*listed)[1].size, 0);

  ASSERT_TRUE(client_->Delete(bucket_, "other").ok());
  Result<std::string> gone = client_->GetSmall(bucket_, "other");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.status().reason(), Status::Reason::kNotFound);
  EXPECT_NE(gone.status().message().find("s3a://" + bucket_ + "/other"), std::string::npos) << gone.status().message();
  EXPECT_TRUE(client_->Delete(bucket_, "other").ok()) << "an absent object is deleted already";

  Result<int64_t> removed = client_->DeletePrefix(bucket_, "run/");
  ASSERT_TRUE(removed.ok()) << removed.status().message();
  EXPECT_EQ(*removed, 2);
  EXPECT_TRUE(client_->List(bucket_, "")->empty());
}

TEST_F(S3ClientTest, ListingFollowsContinuationTokens) {
  // s3proxy answers at most 1000 keys a page.
  for (int i = 0; i < 1003; ++i) {
    char key[16];
    std::snprintf(key, sizeof key, "p/%04d", i);
    ASSERT_TRUE(client_->Put(bucket_, key, "").ok()) << key;
  }
  Result<std::vector<ObjectInfo>> listed = client_->List(bucket_, "p/");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  ASSERT_EQ(listed->size(), 1003u);
  EXPECT_EQ(listed->back().key, "p/1002");
}

TEST_F(S3ClientTest, FailedConditionsAreConflicts) {
  Result<std::string> first = client_->Put(bucket_, "lock", "me", Condition::IfAbsent());
  ASSERT_TRUE(first.ok()) << first.status().message();
  Result<std::string> second = client_->Put(bucket_, "lock", "you", Condition::IfAbsent());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().reason(), Status::Reason::kConflict) << second.status().message();

  Result<std::string> stale = client_->Put(bucket_, "lock", "you", Condition::IfMatch("\"0123\""));
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().reason(), Status::Reason::kConflict) << stale.status().message();
  Status stale_delete = client_->Delete(bucket_, "lock", Condition::IfMatch("\"0123\""));
  EXPECT_EQ(stale_delete.reason(), Status::Reason::kConflict) << stale_delete.message();
  EXPECT_EQ(Read(*client_, bucket_, "lock"), "me");

  Result<std::string> renewed = client_->Put(bucket_, "lock", "me again", Condition::IfMatch(*first));
  ASSERT_TRUE(renewed.ok()) << renewed.status().message();
  EXPECT_TRUE(client_->Delete(bucket_, "lock", Condition::IfMatch(*renewed)).ok());
}

TEST_F(S3ClientTest, JoinCopiesLargePartsAndUploadsTheRestByteForByte) {
  // The head and the first object in two uploaded parts (17 MiB), 6 MiB copied, 100 B and 7 MiB
  // uploaded together, 5 MiB copied, an empty object skipped, 300 B uploaded last.
  std::string head = "id;valor;data\n";
  std::vector<std::string> bodies{Lines(17 << 20, 1), Lines(6 << 20, 2), Lines(100, 3), Lines(7 << 20, 4),
                                  Lines(5 << 20, 5),  Lines(0, 6),       Lines(300, 7)};
  std::vector<ObjectInfo> parts;
  std::string expected = head;
  for (size_t i = 0; i < bodies.size(); ++i) {
    std::string key = "staging/part-" + std::to_string(i) + ".csv";
    ASSERT_TRUE(client_->Put(bucket_, key, bodies[i]).ok());
    parts.push_back({key, static_cast<int64_t>(bodies[i].size()), ""});
    expected += bodies[i];
  }
  CountingClient counting(*client_);
  int checks = 0;
  auto before_complete = [&]() -> Status {
    ++checks;
    EXPECT_EQ(counting.uploads + counting.copies, 6) << "every part is written before the check";
    Result<std::string> not_yet = client_->GetSmall(bucket_, "out/movimento_flat.csv");
    EXPECT_EQ(not_yet.status().reason(), Status::Reason::kNotFound) << "the object appears only when completed";
    return Status::Ok();
  };
  Result<int64_t> written = JoinObjects(counting, bucket_, head, parts, "out/movimento_flat.csv", before_complete);
  ASSERT_TRUE(written.ok()) << written.status().message();
  EXPECT_EQ(*written, static_cast<int64_t>(expected.size()));
  EXPECT_EQ(checks, 1);
  EXPECT_EQ(counting.copies, 2);
  EXPECT_EQ(counting.uploads, 4);
  EXPECT_EQ(counting.bytes_read, int64_t{17 << 20} + 100 + (7 << 20) + 300) << "the copied objects were read";
  std::string joined = sicoop::testing::ReadWholeFile(sicoop::testing::S3Root() + "/" + bucket_ + "/out/movimento_flat.csv");
  EXPECT_EQ(joined.size(), expected.size());
  EXPECT_TRUE(joined == expected) << "the joined object differs from the concatenation";
  EXPECT_TRUE(client_->ListUploads(bucket_, "")->empty());
}

TEST_F(S3ClientTest, JoinOfNothingIsTheHeadAlone) {
  Result<int64_t> written = JoinObjects(*client_, bucket_, "a;b\n", {}, "out.csv");
  ASSERT_TRUE(written.ok()) << written.status().message();
  EXPECT_EQ(*written, 4);
  EXPECT_EQ(Read(*client_, bucket_, "out.csv"), "a;b\n");
}

TEST_F(S3ClientTest, JoinThroughATransformStreamsEveryPart) {
  std::vector<std::string> bodies{Lines(9 << 20, 5), Lines(300, 6)};
  std::vector<ObjectInfo> parts;
  std::string expected = "a;b\r\n";
  for (size_t i = 0; i < bodies.size(); ++i) {
    std::string key = "staging/p" + std::to_string(i);
    ASSERT_TRUE(client_->Put(bucket_, key, bodies[i]).ok());
    parts.push_back({key, static_cast<int64_t>(bodies[i].size()), ""});
    for (char c : bodies[i]) expected += c == '\n' ? std::string("\r\n") : std::string(1, c);
  }
  auto crlf = [](std::string_view chunk, std::string& out) {
    for (char c : chunk) {
      if (c == '\n') out += '\r';
      out += c;
    }
  };
  Result<int64_t> written = JoinObjectsThrough(*client_, bucket_, "a;b\r\n", parts, "out.csv", crlf);
  ASSERT_TRUE(written.ok()) << written.status().message();
  EXPECT_EQ(*written, static_cast<int64_t>(expected.size()));
  EXPECT_TRUE(Read(*client_, bucket_, "out.csv") == expected) << "the transformed object differs";
}

TEST_F(S3ClientTest, FailedJoinLeavesThePreviousObjectAndNoUpload) {
  ASSERT_TRUE(client_->Put(bucket_, "out.csv", "previous run\n").ok());
  std::string big = Lines(11 << 20, 7);
  ASSERT_TRUE(client_->Put(bucket_, "staging/part-0", big).ok());
  std::vector<ObjectInfo> parts{{"staging/part-0", static_cast<int64_t>(big.size()), ""},
                                {"staging/part-vanished", 100, ""}};
  Result<int64_t> written = JoinObjects(*client_, bucket_, "h\n", parts, "out.csv");
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.status().message().find("s3a://" + bucket_ + "/staging/part-vanished"), std::string::npos)
      << written.status().message();
  EXPECT_EQ(Read(*client_, bucket_, "out.csv"), "previous run\n");
  Result<std::vector<std::pair<std::string, std::string>>> uploads = client_->ListUploads(bucket_, "");
  ASSERT_TRUE(uploads.ok()) << uploads.status().message();
  EXPECT_TRUE(uploads->empty());
}

TEST_F(S3ClientTest, AFailingBeforeCompleteLeavesThePreviousObjectAndNoUpload) {
  ASSERT_TRUE(client_->Put(bucket_, "out.csv", "previous run\n").ok());
  std::string big = Lines(6 << 20, 8);
  ASSERT_TRUE(client_->Put(bucket_, "staging/part-0", big).ok());
  ASSERT_TRUE(client_->Put(bucket_, "staging/part-1", "1;2\n").ok());
  std::vector<ObjectInfo> parts{{"staging/part-0", static_cast<int64_t>(big.size()), ""}, {"staging/part-1", 4, ""}};
  int checks = 0;
  auto lock_lost = [&] {
    ++checks;
    return Status::Failure("the lock of s3a://lake/out was taken over by run 42");
  };
  auto identity = [](std::string_view chunk, std::string& out) { out.append(chunk); };
  for (const Result<int64_t>& written :
       {JoinObjects(*client_, bucket_, "", parts, "out.csv", lock_lost),
        JoinObjects(*client_, bucket_, "h\n", parts, "out.csv", lock_lost),
        JoinObjectsThrough(*client_, bucket_, "h\n", parts, "out.csv", identity, lock_lost),
        JoinObjects(*client_, bucket_, "", {}, "out.csv", lock_lost)}) {
    ASSERT_FALSE(written.ok());
    EXPECT_EQ(written.status().message(), "the lock of s3a://lake/out was taken over by run 42");
  }
  EXPECT_EQ(checks, 4);
  EXPECT_EQ(Read(*client_, bucket_, "out.csv"), "previous run\n");
  Result<std::vector<std::pair<std::string, std::string>>> uploads = client_->ListUploads(bucket_, "");
  ASSERT_TRUE(uploads.ok()) << uploads.status().message();
  EXPECT_TRUE(uploads->empty());
}

TEST_F(S3ClientTest, AbortUploadsAbortsThoseOfExactlyThatKey) {
  ASSERT_TRUE(client_->StartUpload(bucket_, "out.csv").ok());
  ASSERT_TRUE(client_->StartUpload(bucket_, "out.csv").ok());
  ASSERT_TRUE(client_->StartUpload(bucket_, "out.csv.bak").ok());
  Result<int> aborted = AbortUploads(*client_, bucket_, "out.csv");
  ASSERT_TRUE(aborted.ok()) << aborted.status().message();
  EXPECT_EQ(*aborted, 2);
  Result<std::vector<std::pair<std::string, std::string>>> left = client_->ListUploads(bucket_, "");
  ASSERT_TRUE(left.ok()) << left.status().message();
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].first, "out.csv.bak");
}

TEST_F(S3ClientTest, WrongSecretIsRefusedWithoutPrintingIt) {
  AwsEnvironment environment = TestEnvironment();
  environment.secret_access_key = "wrong-secret-4f9a7c";
  std::unique_ptr<S3Client> client = NewClient(environment);
  ASSERT_NE(client, nullptr);
  for (const Status& status : {client->CheckBucket(bucket_, ""), client->Put(bucket_, "k", "v").status()}) {
    ASSERT_FALSE(status.ok());
    const std::string& message = status.message();
    EXPECT_EQ(status.reason(), Status::Reason::kAuthentication) << message;
    EXPECT_NE(message.find("s3a://" + bucket_), std::string::npos) << message;
    EXPECT_NE(message.find(environment.endpoint_url), std::string::npos) << message;
    EXPECT_NE(message.find("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"), std::string::npos) << message;
    EXPECT_EQ(message.find("wrong-secret-4f9a7c"), std::string::npos) << message;
    EXPECT_EQ(message.find(sicoop::testing::S3SecretKey()), std::string::npos) << message;
  }
}

TEST_F(S3ClientTest, SessionTokenIsNeverPrinted) {
  // s3proxy does not take session tokens: it refuses the request, which is the failing run wanted.
  AwsEnvironment environment = TestEnvironment();
  environment.session_token = "session-token-b81e2d";
  std::unique_ptr<S3Client> client = NewClient(environment);
  ASSERT_NE(client, nullptr);
  Status status = client->CheckBucket(bucket_, "");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("s3a://" + bucket_), std::string::npos) << status.message();
  EXPECT_EQ(status.message().find("session-token-b81e2d"), std::string::npos) << status.message();
  EXPECT_EQ(status.message().find(sicoop::testing::S3SecretKey()), std::string::npos) << status.message();
}

TEST_F(S3ClientTest, MissingBucketSaysItMustExist) {
  Status status = client_->CheckBucket(bucket_ + "-missing", "out");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.reason(), Status::Reason::kNotFound) << status.message();
  EXPECT_NE(status.message().find("NoSuchBucket"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("s3a://" + bucket_ + "-missing"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("must exist"), std::string::npos) << status.message();
}

TEST(S3ClientUnreachableTest, RefusedConnectionIsUnreachable) {
  sicoop::testing::HeldPort port(sicoop::testing::HeldPort::Kind::kRefusing);
  ASSERT_NE(port.port(), 0);
  AwsEnvironment environment;
  environment.endpoint_url = "http://127.0.0.1:" + std::to_string(port.port());
  environment.region = "us-east-1";
  environment.access_key_id = "AKIDEXAMPLE";
  environment.secret_access_key = "secret";
  std::unique_ptr<S3Client> client = NewClient(environment);
  ASSERT_NE(client, nullptr);
  Status status = client->CheckBucket("lake", "");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.reason(), Status::Reason::kUnreachable) << status.message();
  EXPECT_NE(status.message().find(environment.endpoint_url), std::string::npos) << status.message();
}

}  // namespace
}  // namespace sicoop::storage
