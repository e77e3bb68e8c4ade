#include "cli/tls_support.h"

#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

#include "common/process.h"
#include "support/files.h"
#include "support/run_sicoop.h"

namespace sicoop::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPassword = "tls-test-pw";
constexpr int kPortAttempts = 5;

// Runs a tool to completion; its output goes to `log`. True when it exited 0, else fails the test
// with the end of the log.
bool Run(const std::vector<std::string>& argv, const fs::path& log, const std::string& run_as = "") {
  ProcessSpec spec;
  spec.argv = argv;
  spec.log_file = log.string();
  spec.run_as_user = run_as;
  auto code = RunProcess(spec);
  if (code.ok() && *code == 0) return true;
  ADD_FAILURE() << argv[0] << " failed (" << (code.ok() ? "exit " + std::to_string(*code) : code.status().message())
                << "): " << TailOfFile(log.string(), 15);
  return false;
}

bool WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) ADD_FAILURE() << "cannot write " << path;
  return static_cast<bool>(out);
}

// The newest installed PostgreSQL's bin folder.
std::string PostgresBin() {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql")) found.push_back(entry.path().string());
  std::sort(found.begin(), found.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
  return found.empty() ? "" : found.back() + "/bin";
}

// PostgreSQL refuses to run as root.
std::string PostgresUser() { return geteuid() == 0 ? "postgres" : ""; }

bool GiveTo(const fs::path& path, const std::string& user) {
  if (user.empty()) return true;
  return Run({"chown", "-R", user + ":", path.string()}, path.parent_path() / "chown.log");
}

// Waits (bounded) until `ready` holds; false after `limit`.
template <typename Ready>
bool WaitUntil(Ready ready, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return ready();
}

int CountLines(const std::string& text, const std::string& needle) {
  int count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

}  // namespace

TestCertificates MakeTestCertificates(const fs::path& folder) {
  TestCertificates made;
  const fs::path log = folder / "openssl.log";
  auto make_ca = [&](const std::string& name, const std::string& subject) {
    return Run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", subject, "-keyout",
                (folder / (name + ".key")).string(), "-out", (folder / (name + ".pem")).string(), "-addext",
                "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"},
               log);
  };
  if (!make_ca("ca", "/CN=sicoop test CA") || !make_ca("untrusted-ca", "/CN=sicoop untrusted test CA")) return made;
  const fs::path extensions = folder / "server.ext";
  if (!WriteFile(extensions,
                 "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n"
                 "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n")) {
    return made;
  }
  const fs::path request = folder / "server.csr";
  if (!Run({"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout",
            (folder / "server.key").string(), "-out", request.string()},
           log) ||
      !Run({"openssl", "x509", "-req", "-in", request.string(), "-CA", (folder / "ca.pem").string(), "-CAkey",
            (folder / "ca.key").string(), "-CAcreateserial", "-days", "2", "-extfile", extensions.string(), "-out",
            (folder / "server.pem").string()},
           log)) {
    return made;
  }
  made.ca = folder / "ca.pem";
  made.untrusted_ca = folder / "untrusted-ca.pem";
  made.server_cert = folder / "server.pem";
  made.server_key = folder / "server.key";
  return made;
}

TlsPostgres::TlsPostgres(const fs::path& folder, const TestCertificates& certificates) : folder_(folder / "pg") {
  const std::string bin = PostgresBin();
  const std::string user = PostgresUser();
  const fs::path data = folder_ / "data";
  fs::create_directories(folder_);
  if (!WriteFile(folder_ / "pwfile", std::string(kPassword) + "\n") || !GiveTo(folder_, user)) return;
  if (!Run({bin + "/initdb", "-D", data.string(), "-U", "sicoop", "--pwfile=" + (folder_ / "pwfile").string(), "-A",
            "scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"},
           folder_ / "initdb.log", user)) {
    return;
  }
  // TCP only over TLS: a client that does not encrypt matches no line and is refused.
  fs::copy_file(certificates.server_cert, data / "server.crt");
  fs::copy_file(certificates.server_key, data / "server.key");
  fs::permissions(data / "server.key", fs::perms::owner_read | fs::perms::owner_write);
  if (!WriteFile(data / "pg_hba.conf", "hostssl all all 127.0.0.1/32 scram-sha-256\n") || !GiveTo(data, user)) return;
  for (int attempt = 0; attempt < kPortAttempts && port_ == 0; ++attempt) {
    auto port = FindFreePort();
    if (!port.ok()) break;
    fs::remove(folder_ / "postgres.log");
    ProcessSpec start;
    start.argv = {bin + "/pg_ctl", "-D", data.string(), "-l", (folder_ / "postgres.log").string(), "-w", "-t", "60",
                  "-o",
                  "-c listen_addresses=127.0.0.1 -p " + std::to_string(*port) +
                      " -k '' -c fsync=off -c ssl=on -c log_connections=on",
                  "start"};
    start.run_as_user = user;
    start.log_file = (folder_ / "pg_ctl.log").string();
    auto code = RunProcess(start);
    if (code.ok() && *code == 0) port_ = *port;
    if (Log().find("already in use") == std::string::npos) break;
  }
  if (port_ == 0) ADD_FAILURE() << "the TLS PostgreSQL did not start: " << TailOfFile((folder_ / "postgres.log").string(), 15);
}

TlsPostgres::~TlsPostgres() {
  if (!fs::exists(folder_ / "data" / "postmaster.pid")) return;
  ProcessSpec stop;
  stop.argv = {PostgresBin() + "/pg_ctl", "-D", (folder_ / "data").string(), "-m", "immediate", "-w", "-t", "30", "stop"};
  stop.run_as_user = PostgresUser();
  (void)RunProcess(stop);
}

std::string TlsPostgres::Url(const std::string& host, const std::string& query) const {
  return "postgresql://sicoop:" + std::string(kPassword) + "@" + host + ":" + std::to_string(port_) + "/postgres" + query;
}

std::string TlsPostgres::Log() const { return ReadWholeFile(folder_ / "postgres.log"); }

TlsMariadb::TlsMariadb(const fs::path& folder, const TestCertificates& certificates) : folder_(folder / "mariadb") {
  const fs::path data = folder_ / "data";
  // A socket path has at most 107 bytes; the test's folder can be longer.
  std::string socket_dir = "/tmp/sicoop-tls-sock.XXXXXX";
  if (mkdtemp(socket_dir.data()) == nullptr) {
    ADD_FAILURE() << "cannot create a folder for the MariaDB socket";
    return;
  }
  socket_dir_ = socket_dir;
  const std::string socket = socket_dir_ + "/mysqld.sock";
  fs::create_directories(data);
  std::vector<std::string> as_root;
  if (geteuid() == 0) as_root = {"--user=root"};
  std::vector<std::string> install = {"mariadb-install-db", "--no-defaults", "--datadir=" + data.string(),
                                      "--auth-root-authentication-method=socket",
                                      // Its own temporary files: not shared /tmp names with other servers.
                                      "--tmpdir=" + folder_.string()};
  install.insert(install.end(), as_root.begin(), as_root.end());
  if (!Run(install, folder_ / "install.log")) return;
  const fs::path log = folder_ / "mariadb.log";
  for (int attempt = 0; attempt < kPortAttempts && port_ == 0; ++attempt) {
    auto port = FindFreePort();
    if (!port.ok()) break;
    fs::remove(log);
    ProcessSpec server;
    server.argv = {"mariadbd", "--no-defaults", "--datadir=" + data.string(), "--socket=" + socket,
                   "--port=" + std::to_string(*port), "--bind-address=127.0.0.1",
                   "--pid-file=" + (folder_ / "mysqld.pid").string(), "--tmpdir=" + folder_.string(), "--skip-log-bin",
                   "--innodb-buffer-pool-size=64M", "--local-infile=1", "--character-set-server=utf8mb4",
                   "--collation-server=utf8mb4_unicode_ci", "--ssl-ca=" + certificates.ca.string(),
                   "--ssl-cert=" + certificates.server_cert.string(), "--ssl-key=" + certificates.server_key.string(),
                   "--require-secure-transport=ON"};
    server.argv.insert(server.argv.end(), as_root.begin(), as_root.end());
    server.log_file = log.string();
    auto pid = StartProcess(server);
    if (!pid.ok()) break;
    pid_ = *pid;
    auto answers = [&] {
      return RunCommand({"mariadb", "--no-defaults", "--socket=" + socket, "-uroot", "-e", "SELECT 1"}).exit_code == 0;
    };
    if (WaitUntil([&] { return answers() || !IsProcessAlive(pid_); }, std::chrono::seconds(60)) && answers()) {
      port_ = *port;
      break;
    }
    StopProcess(pid_, std::chrono::seconds(10));
    pid_ = 0;
    if (ReadWholeFile(log).find("already in use") == std::string::npos) break;
  }
  if (port_ == 0) {
    ADD_FAILURE() << "the TLS MariaDB did not start: " << TailOfFile(log.string(), 15);
    return;
  }
  // Both names of the loopback host, as the anonymous ''@'localhost' of a new install would
  // otherwise match before a 'sicoop'@'%'.
  std::string sql = "CREATE DATABASE coop;";
  for (const char* host : {"localhost", "127.0.0.1"}) {
    const std::string account = std::string("'sicoop'@'") + host + "'";
    sql += "CREATE USER " + account + " IDENTIFIED BY '" + kPassword + "' REQUIRE SSL; GRANT ALL PRIVILEGES ON *.* TO " +
           account + ";";
  }
  RunResult created = RunCommand({"mariadb", "--no-defaults", "--socket=" + socket, "-uroot", "-e", sql});
  if (created.exit_code != 0) {
    ADD_FAILURE() << "cannot create the TLS MariaDB's user: " << created.output;
    port_ = 0;
  }
}

TlsMariadb::~TlsMariadb() {
  if (pid_ != 0) StopProcess(pid_, std::chrono::seconds(30));
  if (!socket_dir_.empty()) fs::remove_all(socket_dir_);
}

std::string TlsMariadb::Url(const std::string& host, const std::string& query) const {
  return "mysql://sicoop:" + std::string(kPassword) + "@" + host + ":" + std::to_string(port_) + "/coop" + query;
}

long TlsMariadb::TlsHandshakes() const {
  RunResult status = RunCommand({"mariadb", "--no-defaults", "--socket=" + socket_dir_ + "/mysqld.sock",
                                 "-uroot", "-N", "-B", "-e", "SHOW GLOBAL STATUS LIKE 'Ssl_accepts'"});
  size_t tab = status.output.find('\t');
  if (status.exit_code != 0 || tab == std::string::npos) return -1;
  return std::atol(status.output.c_str() + tab + 1);
}

GrpcTlsProxy::GrpcTlsProxy(const fs::path& folder, const TestCertificates& certificates, const std::string& upstream,
                           const std::string& token)
    : folder_(folder / "nginx") {
  fs::create_directories(folder_ / "temp");
  // nginx's workers drop to "nobody" when it runs as root; they write the temporary files.
  fs::permissions(folder_ / "temp", fs::perms::all);
  const std::string dir = folder_.string();
  for (int attempt = 0; attempt < kPortAttempts && port_ == 0; ++attempt) {
    auto port = FindFreePort();
    if (!port.ok()) break;
    fs::remove(folder_ / "error.log");
    const std::string config =
        "daemon off;\n"
        "worker_processes 1;\n"
        "pid " + dir + "/nginx.pid;\n"
        "error_log " + dir + "/error.log info;\n"
        "events { worker_connections 64; }\n"
        "http {\n"
        "  access_log " + dir + "/access.log;\n"
        "  client_body_temp_path " + dir + "/temp/body;\n"
        "  proxy_temp_path " + dir + "/temp/proxy;\n"
        "  fastcgi_temp_path " + dir + "/temp/fastcgi;\n"
        "  uwsgi_temp_path " + dir + "/temp/uwsgi;\n"
        "  scgi_temp_path " + dir + "/temp/scgi;\n"
        "  map $http_authorization $token_ok { \"Bearer " + token + "\" 1; default 0; }\n"
        "  server {\n"
        "    listen 127.0.0.1:" + std::to_string(*port) + " ssl http2;\n"
        "    ssl_certificate " + certificates.server_cert.string() + ";\n"
        "    ssl_certificate_key " + certificates.server_key.string() + ";\n"
        "    client_max_body_size 0;\n"
        "    grpc_read_timeout 600s;\n"
        "    grpc_send_timeout 600s;\n"
        "    location / {\n"
        "      if ($token_ok = 0) { return 401; }\n"
        "      grpc_pass grpc://" + upstream + ";\n"
        "    }\n"
        // A refusal in gRPC's own terms, as gateways give it: status 16 (UNAUTHENTICATED).
        "    error_page 401 = @unauthenticated;\n"
        "    location @unauthenticated {\n"
        "      default_type application/grpc;\n"
        "      add_header grpc-status 16 always;\n"
        "      add_header grpc-message \"missing or wrong bearer token\" always;\n"
        "      return 204;\n"
        "    }\n"
        "  }\n"
        "}\n";
    if (!WriteFile(folder_ / "nginx.conf", config)) break;
    ProcessSpec server;
    server.argv = {"nginx", "-p", dir, "-c", dir + "/nginx.conf", "-e", dir + "/error.log"};
    server.log_file = (folder_ / "nginx.out").string();
    auto pid = StartProcess(server);
    if (!pid.ok()) break;
    pid_ = *pid;
    if (WaitUntil([&] { return PortAcceptsConnections("127.0.0.1", *port) || !IsProcessAlive(pid_); },
                  std::chrono::seconds(20)) &&
        IsProcessAlive(pid_)) {
      port_ = *port;
      break;
    }
    StopProcess(pid_, std::chrono::seconds(10));
    pid_ = 0;
    if (ReadWholeFile(folder_ / "error.log").find("in use") == std::string::npos) break;
  }
  if (port_ == 0) ADD_FAILURE() << "nginx did not start: " << TailOfFile((folder_ / "error.log").string(), 15);
}

GrpcTlsProxy::~GrpcTlsProxy() {
  // SIGTERM makes the master stop its worker and exit.
  if (pid_ != 0) StopProcess(pid_, std::chrono::seconds(10));
}

int GrpcTlsProxy::Passed() const { return CountLines(ReadWholeFile(folder_ / "access.log"), "\" 200 "); }

int GrpcTlsProxy::Refused() const { return CountLines(ReadWholeFile(folder_ / "access.log"), "\" 204 "); }

}  // namespace sicoop::testing
