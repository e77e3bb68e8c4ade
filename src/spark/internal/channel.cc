#include "spark/internal/channel.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

namespace sicoop::spark {

// Spark sends Arrow batches of up to spark.connect.grpc.arrow.maxBatchSize (4 MiB by default) plus
// framing, and a server may raise that limit: gRPC's 4 MiB default would reject them.
constexpr int kMaxMessageBytes = 128 * 1024 * 1024;

std::shared_ptr<grpc::Channel> OpenChannel(const ConnectionString& endpoint) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(kMaxMessageBytes);
  arguments.SetMaxSendMessageSize(kMaxMessageBytes);
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      endpoint.use_ssl ? grpc::SslCredentials(grpc::SslCredentialsOptions())
                       : grpc::InsecureChannelCredentials();
  return grpc::CreateCustomChannel(endpoint.Target(), credentials, arguments);
}

namespace {

// What a plain TCP connection to an endpoint finds, to say why a gRPC handshake failed.
struct TcpProbe {
  enum class Outcome { kAccepted, kRefused, kNoAnswer, kUnresolved, kError } outcome = Outcome::kError;
  std::string detail;  // the resolver's or the system's words
};

// Connects to each address of `host`:`port` in turn, for `timeout` each at most, and closes again.
TcpProbe ProbeTcp(const std::string& host, int port, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addresses = nullptr;
  if (int error = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &addresses); error != 0) {
    return {TcpProbe::Outcome::kUnresolved, gai_strerror(error)};
  }
  TcpProbe probe;
  for (addrinfo* address = addresses; address != nullptr; address = address->ai_next) {
    int fd = socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, address->ai_protocol);
    if (fd < 0) continue;
    int error = connect(fd, address->ai_addr, address->ai_addrlen) == 0 ? 0 : errno;
    if (error == EINPROGRESS) {
      pollfd connecting{fd, POLLOUT, 0};
      int ready = poll(&connecting, 1, static_cast<int>(timeout.count()));
      socklen_t length = sizeof error;
      error = ready > 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 ? error : ETIMEDOUT;
    }
    close(fd);
    if (error == 0) {
      probe = {TcpProbe::Outcome::kAccepted, ""};
      break;
    }
    probe = {error == ECONNREFUSED ? TcpProbe::Outcome::kRefused
             : error == ETIMEDOUT  ? TcpProbe::Outcome::kNoAnswer
                                   : TcpProbe::Outcome::kError,
             std::strerror(error)};
  }
  freeaddrinfo(addresses);
  return probe;
}

std::string Seconds(std::chrono::milliseconds duration) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(duration).count()) + " s";
}

}  // namespace

Status AwaitHandshake(const ConnectionString& endpoint, std::chrono::milliseconds timeout) {
  auto channel = OpenChannel(endpoint);
  const auto deadline = std::chrono::system_clock::now() + timeout;
  grpc_connectivity_state state = channel->GetState(/*try_to_connect=*/true);
  while (state != GRPC_CHANNEL_READY && state != GRPC_CHANNEL_TRANSIENT_FAILURE &&
         channel->WaitForStateChange(state, deadline)) {
    state = channel->GetState(true);
  }
  if (state == GRPC_CHANNEL_READY) return Status::Ok();

  const std::string cannot = "cannot reach Spark Connect at " + endpoint.Redacted() + ": ";
  const std::string where = endpoint.Target();
  TcpProbe probe = ProbeTcp(endpoint.host, endpoint.port, std::min<std::chrono::milliseconds>(timeout, std::chrono::seconds(5)));
  switch (probe.outcome) {
    case TcpProbe::Outcome::kUnresolved:
      return Status::Failure(cannot + "cannot resolve the host name '" + endpoint.host + "' (" + probe.detail +
                             "): check the host");
    case TcpProbe::Outcome::kRefused:
      return Status::Failure(cannot + "nothing listens on " + where +
                             " (connection refused): check that the server is running and that host and port are "
                             "right (for a local server: 'sicoop spark start', or leave --spark out and sicoop "
                             "starts one)");
    case TcpProbe::Outcome::kNoAnswer:
      return Status::Failure(cannot + "no answer from " + where + " within " + Seconds(timeout) +
                             " (the packets may be dropped by a firewall): check host, port and the network");
    case TcpProbe::Outcome::kError:
      return Status::Failure(cannot + "connecting to " + where + " failed (" + probe.detail +
                             "): check host, port and the network");
    case TcpProbe::Outcome::kAccepted:
      break;
  }
  // Something accepts connections there, but no gRPC channel could be set up with it.
  const std::string handshake = endpoint.use_ssl ? "a TLS and gRPC (HTTP/2) handshake" : "a gRPC (HTTP/2) handshake";
  const std::string found = state == GRPC_CHANNEL_TRANSIENT_FAILURE
                                ? where + " accepts connections but failed " + handshake
                                : where + " accepts connections but did not complete " + handshake + " within " +
                                      Seconds(timeout);
  const std::string check =
      endpoint.use_ssl ? "check the port, that the server uses TLS (use_ssl=true, which a token= implies) and that "
                         "its certificate is trusted for this host name (for a private CA: "
                         "GRPC_DEFAULT_SSL_ROOTS_FILE_PATH=its PEM file)"
                       : "check the port, and whether the server wants TLS (use_ssl=true)";
  return Status::Failure(cannot + found + ": it is not a Spark Connect server, or not one sicoop can talk to; " + check);
}

void AddCallMetadata(const ConnectionString& endpoint, grpc::ClientContext& context) {
  if (!endpoint.token.empty()) context.AddMetadata("authorization", "Bearer " + endpoint.token);
  for (const auto& [key, value] : endpoint.params) {
    // gRPC only accepts lower-case metadata keys; HTTP/2 header names are case-insensitive anyway.
    std::string lower = key;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    context.AddMetadata(lower, value);
  }
}

}  // namespace sicoop::spark
