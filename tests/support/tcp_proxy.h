// A TCP proxy on 127.0.0.1 for fault tests: it forwards every connection it accepts to a port of
// 127.0.0.1 and, on demand, breaks them the way a network or a load balancer does — every open
// connection reset at once, optionally after a given number of bytes from the server, and new
// connections refused (accepted and reset) as many times as the test wants.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace sicoop::testing {

class TcpProxy {
 public:
  // Listens on a port of the system's choosing. port() is 0 (and the test failed) when it cannot.
  explicit TcpProxy(int upstream_port);
  ~TcpProxy();  // closes every connection and the listening socket
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  int port() const { return port_; }

  // Resets every open connection (both sides see a connection reset) and returns once it is done.
  void CutAll();
  // Resets every open connection once `bytes` more bytes have gone from the server to the clients.
  void CutAfterServerBytes(int64_t bytes);
  // Resets the next `count` new connections as soon as they are accepted (0: none).
  void RefuseNext(int count) { refuse_next_ = count; }

  // Connections forwarded to the server so far (refused ones not counted).
  int connections_forwarded() const { return connections_forwarded_; }
  // Connections reset by CutAll or CutAfterServerBytes so far.
  int connections_cut() const { return connections_cut_; }
  // Connections refused (RefuseNext) so far.
  int connections_refused() const { return connections_refused_; }

 private:
  void Run();
  void Wake();

  int upstream_port_;
  int listener_ = -1;
  int port_ = 0;
  int wake_pipe_[2] = {-1, -1};
  std::thread thread_;

  std::atomic<int> refuse_next_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_forwarded_{0};
  std::atomic<int> connections_cut_{0};
  std::atomic<int> connections_refused_{0};

  std::mutex mutex_;
  std::condition_variable cut_done_;
  int64_t cuts_requested_ = 0;  // guarded by mutex_
  int64_t cuts_done_ = 0;       // guarded by mutex_
  int64_t cut_after_bytes_ = -1;  // guarded by mutex_; -1: not armed
};

}  // namespace sicoop::testing
