#include "scripted_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sicoop::storage {

ScriptedServer::ScriptedServer(std::vector<std::string> answers) : answers_(std::move(answers)) {
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

ScriptedServer::~ScriptedServer() {
  ::shutdown(socket_, SHUT_RDWR);
  ::close(socket_);
  if (thread_.joinable()) thread_.join();
}

std::string ScriptedServer::last_request() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_request_;
}

void ScriptedServer::Serve() {
  for (const std::string& answer : answers_) {
    int connection = ::accept(socket_, nullptr, nullptr);
    if (connection < 0) return;
    // The request's head, and its body by Content-Length (the clients send small bodies here).
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
    {
      std::lock_guard<std::mutex> lock(mutex_);
      last_request_ = request;
    }
    ++requests_;
    ::send(connection, answer.data(), answer.size(), MSG_NOSIGNAL);
    ::close(connection);
  }
}

std::string HttpAnswer(int status, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nETag: \"e1\"\r\nConnection: close\r\n\r\n" + body;
}

}  // namespace sicoop::storage
