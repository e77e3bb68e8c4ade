#include "support/ports.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sicoop::testing {

HeldPort::HeldPort(Kind kind) {
  socket_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;  // the kernel picks a free one
  socklen_t length = sizeof address;
  bool held = socket_ >= 0 && bind(socket_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
              getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length) == 0 &&
              (kind == Kind::kRefusing || listen(socket_, 16) == 0);
  if (!held) {
    ADD_FAILURE() << "could not hold a port on 127.0.0.1: " << std::strerror(errno);
    return;
  }
  port_ = ntohs(address.sin_port);
}

HeldPort::~HeldPort() {
  if (socket_ >= 0) close(socket_);
}

}  // namespace sicoop::testing
