// A scripted HTTP server on 127.0.0.1 for fault and protocol tests: it answers each connection
// with the next of its answers, then stops accepting.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sicoop::storage {

class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<std::string> answers);
  ~ScriptedServer();
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_; }
  // The last request received, head and body.
  std::string last_request() const;

 private:
  void Serve();

  std::vector<std::string> answers_;
  int socket_ = -1;
  int port_ = 0;
  std::atomic<int> requests_{0};
  mutable std::mutex mutex_;
  std::string last_request_;
  std::thread thread_;
};

// An HTTP/1.1 answer with `status`, an ETag and `body`.
std::string HttpAnswer(int status, const std::string& body);

}  // namespace sicoop::storage
