#include "db/postgres_connection.h"

#include <libpq-fe.h>

#include <memory>

#include "db/bulk_rows.h"

namespace sicoop::db {
namespace {

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// libpq messages end with a newline and may span lines; messages here are one line.
std::string OneLine(const char* text) {
  std::string line(text == nullptr ? "" : text);
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
  for (char& c : line) {
    if (c == '\n') c = ' ';
  }
  return line;
}

std::string ConnectHint(const std::string& error) {
  if (error.find("password") != std::string::npos) return "check the user and password";
  if (error.find("does not exist") != std::string::npos) return "check the user and the database name";
  if (error.find("timeout") != std::string::npos || error.find("refused") != std::string::npos ||
      error.find("translate host") != std::string::npos) {
    return "check that the server is running and that the host and port are right";
  }
  return "check the URL and that the server accepts this user";
}

class PostgresConnection : public Connection {
 public:
  PostgresConnection(DbUrl url, PGconn* conn) : Connection(std::move(url)), conn_(conn) {}
  ~PostgresConnection() override { PQfinish(conn_); }

  Status Execute(const std::string& sql) override {
    PgResult result(PQexec(conn_, sql.c_str()));
    return CheckResult(result.get(), "statement");
  }

  Result<std::vector<Row>> Query(const std::string& sql) override {
    PgResult result(PQexec(conn_, sql.c_str()));
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
    PgResult started(PQexec(conn_, sql.c_str()));
    if (PQresultStatus(started.get()) != PGRES_COPY_IN) {
      return CheckResult(started.get(), "COPY into " + table).WithContext("loading table " + table);
    }
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
    }
    std::string_view trailer = PostgresBinaryTrailer();
    if (producer_error.ok() && PQputCopyData(conn_, trailer.data(), static_cast<int>(trailer.size())) != 1) {
      return LostWhileLoading(table);
    }
    // Ending with an error message makes the server abort the COPY (and so the transaction).
    if (PQputCopyEnd(conn_, producer_error.ok() ? nullptr : "sicoop aborted the load") != 1) {
      return LostWhileLoading(table);
    }
    PgResult finished(PQgetResult(conn_));
    while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
    if (!producer_error.ok()) return producer_error;
    if (PQstatus(conn_) != CONNECTION_OK) return LostWhileLoading(table);
    SICOOP_RETURN_IF_ERROR(CheckResult(finished.get(), "COPY into " + table).WithContext("loading table " + table));
    return static_cast<int64_t>(std::stoll(PQcmdTuples(finished.get())));
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
  Status CheckResult(const PGresult* result, const std::string& what) {
    ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
      return Status::Ok();
    }
    if (PQstatus(conn_) != CONNECTION_OK) {
      return Status::Failure("lost the connection to " + Describe() + ": " + OneLine(PQerrorMessage(conn_)) +
                             " — check that the server is still running, then retry");
    }
    return Status::Failure(what + " failed on " + Describe() + ": " + OneLine(PQresultErrorMessage(result)));
  }

  Status LostWhileLoading(const std::string& table) {
    return Status::Failure("lost the connection to " + Describe() + " while loading table " + table + ": " +
                           OneLine(PQerrorMessage(conn_)) +
                           " — the transaction was rolled back; check the server and retry");
  }

  PGconn* conn_;
};

}  // namespace

Result<std::unique_ptr<Connection>> ConnectPostgres(const DbUrl& url) {
  std::string port = std::to_string(url.port);
  // Keyword arrays, not a conninfo string, so no value needs quoting.
  const char* keys[] = {"host", "port", "dbname", "user", "password", "connect_timeout",
                        "client_encoding", "application_name", "options", nullptr};
  const char* values[] = {url.host.c_str(), port.c_str(), url.database.c_str(), url.user.c_str(),
                          url.password.c_str(), "10", "UTF8", "sicoop",
                          "-c standard_conforming_strings=on", nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, 0);
  if (conn == nullptr) return Status::Failure("cannot connect to PostgreSQL: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string error = OneLine(PQerrorMessage(conn));
    PQfinish(conn);
    return Status::Failure("cannot connect to PostgreSQL at " + url.Endpoint() + " (database " + url.database +
                           "): " + error + " — " + ConnectHint(error));
  }
  return std::unique_ptr<Connection>(new PostgresConnection(url, conn));
}

}  // namespace sicoop::db
