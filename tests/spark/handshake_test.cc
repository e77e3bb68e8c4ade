// A --spark endpoint that is not a Spark Connect server is known in seconds, with a message that
// says what is there: nothing (a closed port), a listener that says nothing, one that answers
// HTTP/1.1, or no such host. The timeouts given are long on purpose where the failure must come at
// once: a wait for them would make the message say so, and the test's CTest TIMEOUT would end it.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include "spark/session.h"
#include "support/ports.h"

namespace sicoop::spark {
namespace {

using testing::HeldPort;

// A listener on 127.0.0.1 that answers every connection with an HTTP/1.1 error and closes it, as a
// web server or a proxy on the wrong port does.
class HttpErrorServer {
 public:
  HttpErrorServer() {
    socket_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (socket_ < 0 || bind(socket_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length) != 0 || listen(socket_, 16) != 0) {
      ADD_FAILURE() << "could not listen on 127.0.0.1";
      return;
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~HttpErrorServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (socket_ >= 0) close(socket_);
  }
  int port() const { return port_; }

 private:
  void Serve() {
    while (!stop_) {
      pollfd listening{socket_, POLLIN, 0};
      if (poll(&listening, 1, 50) <= 0) continue;
      int client = accept(socket_, nullptr, nullptr);
      if (client < 0) continue;
      char request[1024];
      (void)read(client, request, sizeof request);
      const std::string answer =
          "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nConnection: close\r\n\r\n"
          "Bad Request";
      (void)write(client, answer.data(), answer.size());
      close(client);
    }
  }

  int socket_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_ = false;
  std::thread thread_;
};

std::string ConnectError(const std::string& url, std::chrono::seconds timeout) {
  auto endpoint = ParseConnectionString(url);
  EXPECT_TRUE(endpoint.ok()) << endpoint.status().message();
  SessionOptions options;
  options.connect_timeout = timeout;
  options.handshake_timeout = timeout;
  auto session = SparkSession::Connect(*endpoint, options);
  EXPECT_FALSE(session.ok());
  return session.ok() ? "" : session.status().message();
}

TEST(SparkHandshakeTest, ClosedPortFailsAtOnceSayingNothingListens) {
  HeldPort closed(HeldPort::Kind::kRefusing);
  ASSERT_NE(closed.port(), 0);
  const std::string port = std::to_string(closed.port());
  const std::string message = ConnectError("sc://127.0.0.1:" + port, std::chrono::seconds(600));
  EXPECT_NE(message.find("cannot reach Spark Connect at sc://127.0.0.1:" + port + ": nothing listens on 127.0.0.1:" +
                         port + " (connection refused)"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("sicoop spark start"), std::string::npos) << message;
}

TEST(SparkHandshakeTest, HttpServerFailsAtOnceAsNotSparkConnect) {
  HttpErrorServer http;
  ASSERT_NE(http.port(), 0);
  const std::string port = std::to_string(http.port());
  const std::string message = ConnectError("sc://127.0.0.1:" + port, std::chrono::seconds(600));
  EXPECT_NE(message.find("127.0.0.1:" + port + " accepts connections but failed a gRPC (HTTP/2) handshake: it is "
                         "not a Spark Connect server"),
            std::string::npos)
      << message;
}

TEST(SparkHandshakeTest, SilentListenerFailsAtTheHandshakeTimeoutAsNotSparkConnect) {
  HeldPort silent(HeldPort::Kind::kSilent);
  ASSERT_NE(silent.port(), 0);
  const std::string port = std::to_string(silent.port());
  auto endpoint = ParseConnectionString("sc://127.0.0.1:" + port);
  ASSERT_TRUE(endpoint.ok());
  SessionOptions options;  // the default connect timeout (20 s) and handshake timeout (5 s)
  auto session = SparkSession::Connect(*endpoint, options);
  ASSERT_FALSE(session.ok());
  const std::string& message = session.status().message();
  EXPECT_NE(message.find("127.0.0.1:" + port + " accepts connections but did not complete a gRPC (HTTP/2) handshake "
                         "within 5 s: it is not a Spark Connect server"),
            std::string::npos)
      << message;
}

TEST(SparkHandshakeTest, UnknownHostFailsNamingIt) {
  const std::string message = ConnectError("sc://no-such-host.invalid:15002", std::chrono::seconds(600));
  EXPECT_NE(message.find("cannot resolve the host name 'no-such-host.invalid'"), std::string::npos) << message;
}

}  // namespace
}  // namespace sicoop::spark
