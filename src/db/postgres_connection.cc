#include "db/postgres_connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "common/numbers.h"
#include "db/bulk_rows.h"

namespace sicoop::db {
namespace {

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// libpq messages end with a newline and may span lines, their second lines indented with a tab;
// messages here are one line, each run of spaces, tabs and line ends one space.
std::string OneLine(const char* text) {
  std::string line;
  for (const char* c = text == nullptr ? "" : text; *c != '\0'; ++c) {
    const bool space = *c == ' ' || *c == '\t' || *c == '\n' || *c == '\r';
    if (!space) {
      line += *c;
    } else if (!line.empty() && line.back() != ' ') {
      line += ' ';
    }
  }
  if (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

// libpq's own advice after a refusal ("Is the server running on that host and accepting TCP/IP
// connections?", once per address tried), left out: sicoop's hint that follows says it, naming the
// host and port too.
std::string WithoutLibpqAdvice(std::string message) {
  for (size_t at; (at = message.find(" Is the server running")) != std::string::npos;) {
    const size_t end = message.find('?', at);
    message.erase(at, end == std::string::npos ? std::string::npos : end + 1 - at);
  }
  return message;
}

// A failed connection attempt: libpq's message and why, from the server's SQLSTATE.
struct ConnectFailure {
  std::string message;
  Status::Reason reason = Status::Reason::kUnspecified;
  bool no_password = false;  // the server asked for a password and no source had one
};

// With PQERRORS_VERBOSE a server's error reads "SEVERITY:  SQLSTATE: text\nLOCATION: ...". Splits
// the SQLSTATE off and keeps the text; an error libpq made itself (refused, timeout, unknown host)
// has none: the server was never reached.
ConnectFailure ClassifyConnectFailure(PGconn* conn) {
  std::string error(PQerrorMessage(conn) == nullptr ? "" : PQerrorMessage(conn));
  if (size_t location = error.find("\nLOCATION:"); location != std::string::npos) error.resize(location);
  ConnectFailure failure;
  failure.no_password = PQconnectionNeedsPassword(conn);
  size_t severity_end = error.find(":  ");
  const bool has_sqlstate = severity_end != std::string::npos && error.size() >= severity_end + 3 + 6 &&
                            error[severity_end + 3 + 5] == ':';
  if (!has_sqlstate) {
    failure.message = WithoutLibpqAdvice(OneLine(error.c_str()));
    failure.reason = PQconnectionNeedsPassword(conn) ? Status::Reason::kAuthentication : Status::Reason::kUnreachable;
    return failure;
  }
  const std::string sqlstate = error.substr(severity_end + 3, 5);
  failure.message = OneLine((error.substr(0, severity_end + 3) + error.substr(severity_end + 3 + 6)).c_str());
  // 28P01 invalid_password, 28000 invalid_authorization_specification (no such role, pg_hba
  // rejection), 3D000 invalid_catalog_name.
  if (sqlstate == "28P01" || sqlstate == "28000") failure.reason = Status::Reason::kAuthentication;
  if (sqlstate == "3D000") failure.reason = Status::Reason::kMissingDatabase;
  return failure;
}

// Drives libpq's non-blocking connect, which lets the error verbosity be set before the server
// answers (so that its SQLSTATE reaches the message), until it connects (nullopt) or fails. libpq
// ignores connect_timeout here, so the whole attempt has `timeout`.
std::optional<ConnectFailure> FinishConnect(PGconn* conn, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  PQsetErrorVerbosity(conn, PQERRORS_VERBOSE);
  PostgresPollingStatusType polling = PQstatus(conn) == CONNECTION_BAD ? PGRES_POLLING_FAILED : PGRES_POLLING_WRITING;
  while (polling != PGRES_POLLING_OK) {
    if (polling == PGRES_POLLING_FAILED) return ClassifyConnectFailure(conn);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return ConnectFailure{"no answer within " + std::to_string(timeout.count()) +
                                " s (a stopped or overloaded server accepts the connection and stays silent; "
                                "--db-timeout sets the wait)",
                            Status::Reason::kUnreachable};
    }
    pollfd socket{PQsocket(conn), static_cast<short>(polling == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
    int ready = poll(&socket, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) {
      return ConnectFailure{std::string("waiting for the server: ") + std::strerror(errno), Status::Reason::kUnspecified};
    }
    if (ready > 0) polling = PQconnectPoll(conn);
  }
  PQsetErrorVerbosity(conn, PQERRORS_DEFAULT);
  return std::nullopt;
}

class PostgresConnection : public Connection {
 public:
  PostgresConnection(DbUrl url, PGconn* conn) : Connection(std::move(url)), conn_(conn) {}
  ~PostgresConnection() override { PQfinish(conn_); }

  Status Execute(const std::string& sql) override {
    SICOOP_ASSIGN_OR_RETURN(PgResult result, Run(sql, "the answer to a statement"));
    return CheckResult(result.get(), "statement");
  }

  Result<std::vector<Row>> Query(const std::string& sql) override {
    SICOOP_ASSIGN_OR_RETURN(PgResult result, Run(sql, "the answer to a query"));
    SICOOP_RETURN_IF_ERROR(CheckResult(result.get(), "query"));
    std::vector<Row> rows(PQntuples(result.get()));
    int columns = PQnfields(result.get());
    for (int r = 0; r < static_cast<int>(rows.size()); ++r) {
      rows[r].reserve(columns);
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(result.get(), r, c)) {
          rows[r].emplace_back(std::nullopt);
        } else {
          rows[r].emplace_back(std::string(PQgetvalue(result.get(), r, c), PQgetlength(result.get(), r, c)));
        }
      }
    }
    return rows;
  }

  Result<int64_t> BulkLoad(const std::string& table, const std::vector<std::string>& columns,
                           const ChunkSource& next_chunk) override {
    std::string sql = "COPY " + table + " " + ColumnList(columns) + " FROM STDIN (FORMAT binary)";
    SICOOP_ASSIGN_OR_RETURN(PgResult started, Run(sql, "the start of COPY into " + table));
    if (PQresultStatus(started.get()) != PGRES_COPY_IN) {
      return CheckResult(started.get(), "COPY into " + table).WithContext("loading table " + table);
    }
    const std::string taking = "the server to take more rows of table " + table;
    std::string chunk(PostgresBinaryHeader());
    Status producer_error;
    if (PQputCopyData(conn_, chunk.data(), static_cast<int>(chunk.size())) != 1) return LostWhileLoading(table);
    while (true) {
      auto more = next_chunk(chunk);
      if (!more.ok()) {
        producer_error = more.status();
        break;
      }
      if (!*more) break;
      if (PQputCopyData(conn_, chunk.data(), static_cast<int>(chunk.size())) != 1) {
        return LostWhileLoading(table);
      }
      SICOOP_RETURN_IF_ERROR(Flush(taking));
    }
    std::string_view trailer = PostgresBinaryTrailer();
    if (producer_error.ok() && PQputCopyData(conn_, trailer.data(), static_cast<int>(trailer.size())) != 1) {
      return LostWhileLoading(table);
    }
    // Ending with an error message makes the server abort the COPY (and so the transaction).
    if (PQputCopyEnd(conn_, producer_error.ok() ? nullptr : "sicoop aborted the load") != 1) {
      return LostWhileLoading(table);
    }
    SICOOP_RETURN_IF_ERROR(Flush(taking));
    SICOOP_ASSIGN_OR_RETURN(PgResult finished, Collect("the end of COPY into " + table));
    if (!producer_error.ok()) return producer_error;
    if (PQstatus(conn_) != CONNECTION_OK) return LostWhileLoading(table);
    SICOOP_RETURN_IF_ERROR(CheckResult(finished.get(), "COPY into " + table).WithContext("loading table " + table));
    const std::optional<int64_t> stored = ParseInteger(PQcmdTuples(finished.get()));
    if (!stored) {
      return Status::Failure("COPY into " + table + " on " + Describe() + " did not say how many rows it stored ('" +
                             PQcmdTuples(finished.get()) + "')");
    }
    return *stored;
  }

  std::string QuoteLiteral(std::string_view text) override {
    // With standard_conforming_strings on (set at connect), only the quote needs doubling.
    std::string quoted = "'";
    for (char c : text) {
      quoted += c;
      if (c == '\'') quoted += '\'';
    }
    return quoted + "'";
  }

  Result<int64_t> SessionId() override { return static_cast<int64_t>(PQbackendPID(conn_)); }

 private:
  // Sends `sql` and collects its results as PQexec would (the first error, else the last result),
  // with every wait for the server bounded by the read timeout. Stops at COPY IN, which the caller
  // continues.
  Result<PgResult> Run(const std::string& sql, const std::string& waiting_for) {
    SICOOP_RETURN_IF_ERROR(timed_out_);
    if (PQsendQuery(conn_, sql.c_str()) != 1) return Lost();
    SICOOP_RETURN_IF_ERROR(Flush(waiting_for));
    return Collect(waiting_for);
  }

  Result<PgResult> Collect(const std::string& waiting_for) {
    PgResult kept;
    while (true) {
      while (PQisBusy(conn_)) {
        SICOOP_RETURN_IF_ERROR(WaitForSocket(POLLIN, waiting_for).status());
        // A failed read leaves the connection bad; PQgetResult then reports why.
        if (PQconsumeInput(conn_) != 1) break;
      }
      PgResult next(PQgetResult(conn_));
      if (next == nullptr) return kept;
      if (PQresultStatus(next.get()) == PGRES_COPY_IN) return next;
      if (kept == nullptr || PQresultStatus(kept.get()) != PGRES_FATAL_ERROR) kept = std::move(next);
    }
  }

  // Sends what libpq holds in its output buffer. The server may answer (an error) before it has read
  // everything, so its answer is read meanwhile: neither side then waits for the other.
  Status Flush(const std::string& waiting_for) {
    while (true) {
      const int pending = PQflush(conn_);
      if (pending == 0) return Status::Ok();
      if (pending < 0) return Lost();
      SICOOP_ASSIGN_OR_RETURN(short ready, WaitForSocket(POLLOUT | POLLIN, waiting_for));
      if ((ready & POLLIN) != 0 && PQconsumeInput(conn_) != 1) return Lost();
    }
  }

  // Waits until the socket is ready for `events`, for the read timeout at most: it bounds each
  // silence of the server, not a statement, so a long load that keeps moving never times out. A
  // timeout leaves the session unusable (it is mid-protocol): later calls fail at once with it.
  Result<short> WaitForSocket(short events, const std::string& waiting_for) {
    const auto deadline = std::chrono::steady_clock::now() + url().timeouts.read;
    while (true) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd socket{PQsocket(conn_), events, 0};
      int ready = left.count() > 0 ? poll(&socket, 1, static_cast<int>(left.count())) : 0;
      if (ready > 0) return socket.revents;
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0) return Status::Failure("waiting for " + Describe() + ": " + std::strerror(errno));
      timed_out_ = Status::Failure(
          Describe() + " sent nothing for " + std::to_string(url().timeouts.read.count()) + " s while sicoop waited for " +
          waiting_for + " — the server may be stopped, overloaded or cut off by the network: check it, or allow "
          "longer waits with --db-timeout");
      return timed_out_;
    }
  }

  Status Lost() {
    return Status::Failure("lost the connection to " + Describe() + ": " + OneLine(PQerrorMessage(conn_)) +
                           " — check that the server is still running, then retry");
  }

  Status CheckResult(const PGresult* result, const std::string& what) {
    ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
      return Status::Ok();
    }
    if (PQstatus(conn_) != CONNECTION_OK) return Lost();
    return Status::Failure(what + " failed on " + Describe() + ": " + OneLine(PQresultErrorMessage(result)));
  }

  Status LostWhileLoading(const std::string& table) {
    return Status::Failure("lost the connection to " + Describe() + " while loading table " + table + ": " +
                           OneLine(PQerrorMessage(conn_)) +
                           " — the transaction was rolled back; check the server and retry");
  }

  PGconn* conn_;
  Status timed_out_;  // the timeout that left the session unusable; Ok while it is usable
};

}  // namespace

Result<std::unique_ptr<Connection>> ConnectPostgres(const DbUrl& url) {
  std::string port = std::to_string(url.port);
  // Keyword arrays, not a conninfo string, so no value needs quoting.
  std::vector<const char*> keys = {"host", "port", "dbname", "user", "password",
                                   "client_encoding", "application_name", "options"};
  std::vector<const char*> values = {url.host.c_str(), port.c_str(), url.database.c_str(), url.user.c_str(),
                                     url.password.c_str(), "UTF8", "sicoop",
                                     "-c standard_conforming_strings=on"};
  // The URL's sslmode and sslrootcert are libpq's own keywords; Redacted() gives them back as written.
  if (const char* sslmode = TlsModeWord(Dialect::kPostgres, url.tls.mode)) {
    keys.push_back("sslmode");
    values.push_back(sslmode);
  }
  if (!url.tls.ca_file.empty()) {
    keys.push_back("sslrootcert");
    values.push_back(url.tls.ca_file.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectStartParams(keys.data(), values.data(), 0);
  if (conn == nullptr) return Status::Failure("cannot connect to PostgreSQL: out of memory");
  if (std::optional<ConnectFailure> failure = FinishConnect(conn, url.timeouts.connect)) {
    PQfinish(conn);
    // libpq has no code for a refused certificate: its messages name one ("certificate verify
    // failed", "server certificate for ... does not match host name ...", "root certificate file").
    const bool tls_failed = failure->message.find("certificate") != std::string::npos ||
                            failure->message.find("SSL") != std::string::npos;
    return Status::Failure("cannot connect to PostgreSQL at " + url.Endpoint() + " (database " + url.database +
                               "): " + failure->message + " — " +
                               (tls_failed           ? url.TlsFailureHint()
                                : failure->no_password ? NoPasswordHint(Dialect::kPostgres)
                                                       : ConnectHint(failure->reason)),
                           failure->reason);
  }
  // Non-blocking, so that no send can wait on a server that stopped reading (the waits are sicoop's
  // own, with the read timeout), not even PQfinish's goodbye.
  if (PQsetnonblocking(conn, 1) != 0) {
    std::string message = OneLine(PQerrorMessage(conn));
    PQfinish(conn);
    return Status::Failure("cannot set up the connection to PostgreSQL at " + url.Endpoint() + ": " + message);
  }
  // With no password from sicoop's own sources libpq looks in PGPASSWORD and in its password file
  // (~/.pgpass, PGPASSFILE). Spark's JDBC reads (pgjdbc) look in neither, so the connection keeps
  // the password libpq sent, for them to use.
  DbUrl connected = url;
  if (connected.password.empty() && PQconnectionUsedPassword(conn)) connected.password = PQpass(conn);
  return std::unique_ptr<Connection>(new PostgresConnection(std::move(connected), conn));
}

}  // namespace sicoop::db
