// How the S3 client repeats requests, against a scripted HTTP server on 127.0.0.1 that answers
// each connection with the next of its answers (s3proxy cannot be made to fail on demand).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "storage/s3_client.h"
#include "support/files.h"

namespace sicoop::storage {
namespace {

class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<std::string> answers) : answers_(std::move(answers)) {
    socket_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (::bind(socket_, reinterpret_cast<sockaddr*>(&address), size) != 0 || ::listen(socket_, 8) != 0 ||
        ::getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
      ADD_FAILURE() << "cannot listen on 127.0.0.1";
      return;
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedServer() {
    ::shutdown(socket_, SHUT_RDWR);
    ::close(socket_);
    if (thread_.joinable()) thread_.join();
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_; }

 private:
  void Serve() {
    for (const std::string& answer : answers_) {
      int connection = ::accept(socket_, nullptr, nullptr);
      if (connection < 0) return;
      // The request's head, and its body by Content-Length (the client sends small bodies here).
      std::string request;
      char buffer[4096];
      size_t head_end = std::string::npos;
      while (head_end == std::string::npos) {
        ssize_t got = ::recv(connection, buffer, sizeof buffer, 0);
        if (got <= 0) break;
        request.append(buffer, static_cast<size_t>(got));
        head_end = request.find("\r\n\r\n");
      }
      size_t length_at = request.find("Content-Length: ");
      size_t body = length_at == std::string::npos ? 0 : std::stoul(request.substr(length_at + 16));
      while (head_end != std::string::npos && request.size() < head_end + 4 + body) {
        ssize_t got = ::recv(connection, buffer, sizeof buffer, 0);
        if (got <= 0) break;
        request.append(buffer, static_cast<size_t>(got));
      }
      ++requests_;
      ::send(connection, answer.data(), answer.size(), MSG_NOSIGNAL);
      ::close(connection);
    }
  }

  std::vector<std::string> answers_;
  int socket_ = -1;
  int port_ = 0;
  std::atomic<int> requests_{0};
  std::thread thread_;
};

std::string Answer(int status, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nETag: \"e1\"\r\nConnection: close\r\n\r\n" + body;
}

std::unique_ptr<S3Client> ClientOf(const ScriptedServer& server) {
  AwsEnvironment environment;
  environment.endpoint_url = server.endpoint();
  environment.region = "us-east-1";
  environment.access_key_id = "AKIDEXAMPLE";
  environment.secret_access_key = "secret";
  environment.home = sicoop::testing::MakeTestFolder("s3-retry").string();
  Result<S3Settings> settings = S3Settings::Resolve(environment);
  EXPECT_TRUE(settings.ok()) << settings.status().message();
  Result<std::unique_ptr<S3Client>> client = S3Client::Create(*settings);
  EXPECT_TRUE(client.ok()) << client.status().message();
  return client.ok() ? std::move(client).value() : nullptr;
}

const std::string kSlowDown = "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>";

TEST(S3ClientRetryTest, AReadIsRepeatedAfterServerErrors) {
  ScriptedServer server({Answer(503, kSlowDown), Answer(500, ""), Answer(200, "the bytes")});
  std::unique_ptr<S3Client> client = ClientOf(server);
  ASSERT_NE(client, nullptr);
  Result<std::string> body = client->GetSmall("lake", "k");
  ASSERT_TRUE(body.ok()) << body.status().message();
  EXPECT_EQ(*body, "the bytes");
  EXPECT_EQ(server.requests(), 3);
}

TEST(S3ClientRetryTest, RepeatsAreBoundedAndTheLastErrorIsNamed) {
  ScriptedServer server({Answer(503, kSlowDown), Answer(503, kSlowDown), Answer(503, kSlowDown),
                         Answer(200, "too late")});
  std::unique_ptr<S3Client> client = ClientOf(server);
  ASSERT_NE(client, nullptr);
  Result<std::string> body = client->GetSmall("lake", "k");
  ASSERT_FALSE(body.ok());
  EXPECT_NE(body.status().message().find("503 SlowDown: Please reduce your request rate."), std::string::npos)
      << body.status().message();
  EXPECT_EQ(server.requests(), 3);
}

TEST(S3ClientRetryTest, AConditionalWriteIsNotRepeated) {
  ScriptedServer server({Answer(503, kSlowDown), Answer(200, "")});
  std::unique_ptr<S3Client> client = ClientOf(server);
  ASSERT_NE(client, nullptr);
  EXPECT_FALSE(client->Put("lake", "lock", "me", Condition::IfAbsent()).ok());
  EXPECT_EQ(server.requests(), 1);
}

TEST(S3ClientRetryTest, AnErrorInsideA200CompletionIsAFailure) {
  ScriptedServer server({Answer(200, "<?xml version=\"1.0\"?>\n<Error><Code>InternalError</Code>"
                                     "<Message>We encountered an internal error.</Message></Error>")});
  std::unique_ptr<S3Client> client = ClientOf(server);
  ASSERT_NE(client, nullptr);
  Status status = client->CompleteUpload("lake", "out.csv", "u1", {"\"e1\""});
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("CompleteMultipartUpload of s3a://lake/out.csv"), std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("InternalError"), std::string::npos) << status.message();
  EXPECT_EQ(server.requests(), 1);
}

}  // namespace
}  // namespace sicoop::storage
