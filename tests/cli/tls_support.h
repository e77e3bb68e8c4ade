// Servers with TLS of a test's own: certificates made with openssl, a PostgreSQL and a MariaDB that
// accept TCP connections only over TLS, and nginx as a TLS-terminating gRPC proxy with a bearer
// token in front of a Spark Connect server. All on free ports of 127.0.0.1, in throwaway folders,
// stopped when destroyed. A step that fails fails the test (ADD_FAILURE) and leaves port() at 0.
#pragma once

#include <filesystem>
#include <string>

#include <sys/types.h>

namespace sicoop::testing {

struct TestCertificates {
  std::filesystem::path ca;            // the CA the clients are told to trust
  std::filesystem::path untrusted_ca;  // a CA that signed nothing the servers show
  // Signed by `ca`, for the host name "localhost" only: a client that verifies the host name and
  // connects to 127.0.0.1 must refuse it.
  std::filesystem::path server_cert, server_key;
};

// Makes the certificates in `folder` (which must exist).
TestCertificates MakeTestCertificates(const std::filesystem::path& folder);

// A PostgreSQL whose pg_hba.conf has hostssl lines only (a TCP connection without TLS is refused),
// logging every connection with its TLS status.
class TlsPostgres {
 public:
  TlsPostgres(const std::filesystem::path& folder, const TestCertificates& certificates);
  ~TlsPostgres();
  TlsPostgres(const TlsPostgres&) = delete;
  TlsPostgres& operator=(const TlsPostgres&) = delete;

  int port() const { return port_; }
  // postgresql://sicoop:PASSWORD@HOST:PORT/postgres followed by `query` ("?sslmode=...").
  std::string Url(const std::string& host, const std::string& query) const;
  // The server's log (log_connections: "connection authorized: ... SSL enabled ...").
  std::string Log() const;

 private:
  std::filesystem::path folder_;
  int port_ = 0;
};

// A MariaDB that requires secure transport and whose user sicoop is REQUIRE SSL.
class TlsMariadb {
 public:
  TlsMariadb(const std::filesystem::path& folder, const TestCertificates& certificates);
  ~TlsMariadb();
  TlsMariadb(const TlsMariadb&) = delete;
  TlsMariadb& operator=(const TlsMariadb&) = delete;

  int port() const { return port_; }
  // mysql://sicoop:PASSWORD@HOST:PORT/coop followed by `query`.
  std::string Url(const std::string& host, const std::string& query) const;
  // The server's count of TLS handshakes accepted so far (Ssl_accepts), or -1.
  long TlsHandshakes() const;

 private:
  std::filesystem::path folder_;
  std::string socket_dir_;
  pid_t pid_ = 0;
  int port_ = 0;
};

// nginx terminating TLS (HTTP/2) and passing gRPC on to `upstream` ("127.0.0.1:PORT") only for calls
// that carry "authorization: Bearer TOKEN"; others get gRPC status UNAUTHENTICATED.
class GrpcTlsProxy {
 public:
  GrpcTlsProxy(const std::filesystem::path& folder, const TestCertificates& certificates,
               const std::string& upstream, const std::string& token);
  ~GrpcTlsProxy();
  GrpcTlsProxy(const GrpcTlsProxy&) = delete;
  GrpcTlsProxy& operator=(const GrpcTlsProxy&) = delete;

  int port() const { return port_; }
  // How many calls nginx let through (HTTP status 200) and refused (204 with grpc-status 16), from
  // its access log.
  int Passed() const;
  int Refused() const;

 private:
  std::filesystem::path folder_;
  pid_t pid_ = 0;
  int port_ = 0;
};

}  // namespace sicoop::testing
