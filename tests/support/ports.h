// Ports on 127.0.0.1 that a test holds for as long as it needs them, so that no other process (a
// server of a test running in parallel) can take them meanwhile — unlike a port found free and then
// released.
#pragma once

namespace sicoop::testing {

class HeldPort {
 public:
  enum class Kind {
    kRefusing,  // bound, not listening: every connection is refused at once
    kSilent,    // listening, never accepting nor answering: a client waits until its own deadline
  };

  explicit HeldPort(Kind kind);
  ~HeldPort();
  HeldPort(const HeldPort&) = delete;
  HeldPort& operator=(const HeldPort&) = delete;

  // 0 (and the test failed) when no port could be held.
  int port() const { return port_; }

 private:
  int socket_ = -1;
  int port_ = 0;
};

}  // namespace sicoop::testing
