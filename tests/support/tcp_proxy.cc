#include "support/tcp_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

namespace sicoop::testing {
namespace {

constexpr size_t kChunk = 64 * 1024;

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// Closes with a reset (RST) instead of an orderly FIN: what a peer sees when a network path or a
// proxy drops a connection.
void Reset(int fd) {
  linger hard{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
  close(fd);
}

// One forwarded connection. Each direction holds at most one chunk in flight: the proxy reads from
// a side only when what it read before has been written to the other, so a slow reader slows the
// writer down as it would without the proxy.
struct Connection {
  int client = -1;
  int server = -1;
  std::string to_server;
  std::string to_client;
  bool broken = false;
};

// Reads what `from` has into `pending` (when it is empty) and writes what it can to `to`. Returns
// the bytes read; marks the connection broken on an end or an error of either side.
int64_t Pump(int from, std::string& pending, int to, short from_events, short to_events, bool& broken) {
  int64_t read_bytes = 0;
  if (pending.empty() && (from_events & (POLLIN | POLLHUP | POLLERR))) {
    char buffer[kChunk];
    ssize_t n = read(from, buffer, sizeof(buffer));
    if (n <= 0) {
      if (n == 0 || (errno != EAGAIN && errno != EINTR)) broken = true;
    } else {
      pending.assign(buffer, static_cast<size_t>(n));
      read_bytes = n;
    }
  }
  if (!pending.empty() && (to_events & POLLOUT || read_bytes > 0)) {
    ssize_t n = send(to, pending.data(), pending.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno != EAGAIN && errno != EINTR) broken = true;
    } else {
      pending.erase(0, static_cast<size_t>(n));
    }
  }
  if (to_events & POLLERR) broken = true;
  return read_bytes;
}

}  // namespace

TcpProxy::TcpProxy(int upstream_port) : upstream_port_(upstream_port) {
  listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_in address = Loopback(0);
  socklen_t length = sizeof(address);
  if (listener_ < 0 || bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      listen(listener_, 64) != 0 || getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
      pipe2(wake_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) {
    ADD_FAILURE() << "the TCP proxy cannot listen on 127.0.0.1: " << std::strerror(errno);
    return;
  }
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { Run(); });
}

TcpProxy::~TcpProxy() {
  stopping_ = true;
  Wake();
  if (thread_.joinable()) thread_.join();
  for (int fd : {listener_, wake_pipe_[0], wake_pipe_[1]}) {
    if (fd >= 0) close(fd);
  }
}

void TcpProxy::Wake() {
  if (wake_pipe_[1] >= 0) (void)!write(wake_pipe_[1], "x", 1);
}

void TcpProxy::CutAll() {
  std::unique_lock lock(mutex_);
  int64_t ticket = ++cuts_requested_;
  Wake();
  cut_done_.wait(lock, [&] { return cuts_done_ >= ticket || !thread_.joinable(); });
}

void TcpProxy::CutAfterServerBytes(int64_t bytes) {
  std::lock_guard lock(mutex_);
  cut_after_bytes_ = bytes;
}

void TcpProxy::Run() {
  std::vector<Connection> connections;
  auto cut_every_connection = [&] {
    for (Connection& connection : connections) {
      Reset(connection.client);
      Reset(connection.server);
      ++connections_cut_;
    }
    connections.clear();
  };
  while (!stopping_) {
    std::vector<pollfd> fds = {{wake_pipe_[0], POLLIN, 0}, {listener_, POLLIN, 0}};
    for (const Connection& connection : connections) {
      // Read a side only when nothing read from it waits to be written; wait to write only then.
      fds.push_back({connection.client,
                     static_cast<short>((connection.to_server.empty() ? POLLIN : 0) |
                                        (connection.to_client.empty() ? 0 : POLLOUT)),
                     0});
      fds.push_back({connection.server,
                     static_cast<short>((connection.to_client.empty() ? POLLIN : 0) |
                                        (connection.to_server.empty() ? 0 : POLLOUT)),
                     0});
    }
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents & POLLIN) {
      char drain[64];
      while (read(wake_pipe_[0], drain, sizeof(drain)) > 0) {
      }
      std::lock_guard lock(mutex_);
      if (cuts_done_ < cuts_requested_) {
        cut_every_connection();
        cuts_done_ = cuts_requested_;
        cut_done_.notify_all();
      }
      continue;  // the connections changed: poll again
    }
    int64_t from_server = 0;
    for (size_t i = 0; i < connections.size(); ++i) {
      Connection& connection = connections[i];
      short client_events = fds[2 + 2 * i].revents;
      short server_events = fds[3 + 2 * i].revents;
      Pump(connection.client, connection.to_server, connection.server, client_events, server_events,
           connection.broken);
      from_server += Pump(connection.server, connection.to_client, connection.client, server_events,
                          client_events, connection.broken);
    }
    // A connection one side ended is ended for the other too (gRPC does not half-close).
    for (auto it = connections.begin(); it != connections.end();) {
      if (!it->broken) {
        ++it;
        continue;
      }
      Reset(it->client);
      Reset(it->server);
      it = connections.erase(it);
    }
    {
      std::lock_guard lock(mutex_);
      if (cut_after_bytes_ >= 0) {
        cut_after_bytes_ -= from_server;
        if (cut_after_bytes_ <= 0) {
          cut_after_bytes_ = -1;
          cut_every_connection();
        }
      }
    }
    if (fds[1].revents & POLLIN) {
      int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (client < 0) continue;
      if (refuse_next_ > 0) {
        --refuse_next_;
        ++connections_refused_;
        Reset(client);
        continue;
      }
      int server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in address = Loopback(upstream_port_);
      if (server < 0 || connect(server, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
        Reset(client);
        if (server >= 0) close(server);
        continue;
      }
      fcntl(server, F_SETFL, fcntl(server, F_GETFL) | O_NONBLOCK);
      connections.push_back({client, server, {}, {}, false});
      ++connections_forwarded_;
    }
  }
  cut_every_connection();
  std::lock_guard lock(mutex_);
  cuts_done_ = cuts_requested_;
  cut_done_.notify_all();
}

}  // namespace sicoop::testing
