#include "db/mysql_connection.h"

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include <algorithm>
#include <cstring>
#include <mutex>

#include "db/bulk_rows.h"

namespace sicoop::db {
namespace {

Status::Reason ConnectFailureReason(unsigned error) {
  switch (error) {
    case ER_ACCESS_DENIED_ERROR:
      return Status::Reason::kAuthentication;
    case ER_BAD_DB_ERROR:
      return Status::Reason::kMissingDatabase;
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_UNKNOWN_HOST:
    case CR_SERVER_LOST:
    case CR_SERVER_GONE_ERROR:
      return Status::Reason::kUnreachable;
    default:
      return Status::Reason::kUnspecified;
  }
}

bool IsConnectionLost(unsigned error) {
  return error == CR_SERVER_LOST || error == CR_SERVER_GONE_ERROR || error == ER_CONNECTION_KILLED ||
         error == ER_QUERY_INTERRUPTED;
}

// State of one LOAD DATA LOCAL INFILE: the server pulls bytes through ReadInfile, which refills
// from the ChunkSource. Connector/C calls these on the thread that runs the query.
struct InfileFeed {
  const ChunkSource* next_chunk = nullptr;
  std::string chunk;
  size_t offset = 0;
  bool done = false;
  Status error;
  int64_t rows_sent = 0;
};

int InitInfile(void** ptr, const char*, void* userdata) {
  *ptr = userdata;
  return 0;
}

int ReadInfile(void* ptr, char* buf, unsigned int buf_len) {
  auto* feed = static_cast<InfileFeed*>(ptr);
  while (feed->offset == feed->chunk.size() && !feed->done) {
    auto more = (*feed->next_chunk)(feed->chunk);
    feed->offset = 0;
    if (!more.ok()) {
      feed->error = more.status();
      return -1;
    }
    if (!*more) {
      feed->chunk.clear();
      feed->done = true;
    }
  }
  size_t n = std::min<size_t>(buf_len, feed->chunk.size() - feed->offset);
  std::memcpy(buf, feed->chunk.data() + feed->offset, n);
  feed->offset += n;
  return static_cast<int>(n);
}

void EndInfile(void*) {}

int InfileError(void* ptr, char* buf, unsigned int buf_len) {
  auto* feed = static_cast<InfileFeed*>(ptr);
  std::snprintf(buf, buf_len, "%s", feed->error.message().c_str());
  return CR_UNKNOWN_ERROR;
}

class MysqlConnection : public Connection {
 public:
  MysqlConnection(DbUrl url, MYSQL* mysql) : Connection(std::move(url)), mysql_(mysql) {}
  ~MysqlConnection() override { mysql_close(mysql_); }

  Status Execute(const std::string& sql) override {
    if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return Error("statement");
    // Every statement of a multi-statement text has a result to consume; an error stops the chain.
    while (true) {
      if (MYSQL_RES* result = mysql_store_result(mysql_)) mysql_free_result(result);
      int next = mysql_next_result(mysql_);
      if (next == -1) return Status::Ok();
      if (next > 0) return Error("statement");
    }
  }

  Result<std::vector<Row>> Query(const std::string& sql) override {
    if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return Error("query");
    MYSQL_RES* result = mysql_store_result(mysql_);
    if (result == nullptr) {
      if (mysql_field_count(mysql_) != 0) return Error("query");
      return std::vector<Row>{};
    }
    std::vector<Row> rows;
    rows.reserve(mysql_num_rows(result));
    unsigned columns = mysql_num_fields(result);
    while (MYSQL_ROW values = mysql_fetch_row(result)) {
      unsigned long* lengths = mysql_fetch_lengths(result);
      Row& row = rows.emplace_back();
      row.reserve(columns);
      for (unsigned c = 0; c < columns; ++c) {
        if (values[c] == nullptr) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(std::string(values[c], lengths[c]));
        }
      }
    }
    mysql_free_result(result);
    while (mysql_next_result(mysql_) == 0) {
    }
    return rows;
  }

  Result<int64_t> BulkLoad(const std::string& table, const std::vector<std::string>& columns,
                           const ChunkSource& next_chunk) override {
    // The defaults of LOAD DATA (FIELDS TERMINATED BY '\t' ESCAPED BY '\\' LINES TERMINATED BY
    // '\n') are the shared bulk text format; the file name is a placeholder the handler ignores.
    std::string sql =
        "LOAD DATA LOCAL INFILE 'sicoop-stream' INTO TABLE " + table + " CHARACTER SET utf8mb4 " + ColumnList(columns);
    InfileFeed feed;
    feed.next_chunk = &next_chunk;
    mysql_set_local_infile_handler(mysql_, InitInfile, ReadInfile, EndInfile, InfileError, &feed);
    int failed = mysql_real_query(mysql_, sql.data(), sql.size());
    mysql_set_local_infile_default(mysql_);
    if (!feed.error.ok()) return feed.error;
    if (failed != 0) return Error("LOAD DATA into " + table).WithContext("loading table " + table);
    auto stored = static_cast<int64_t>(mysql_affected_rows(mysql_));
    // LOCAL makes the server skip bad rows with a warning instead of failing; sicoop treats any
    // warning as a failed load so that a half-loaded table is never reported as loaded.
    if (mysql_warning_count(mysql_) > 0) {
      auto warnings = Query("SHOW WARNINGS LIMIT 1");
      std::string first = warnings.ok() && !warnings->empty() && warnings->front().size() >= 3
                              ? warnings->front()[2].value_or("")
                              : "";
      return Status::Failure("loading table " + table + " into " + Describe() + " produced " +
                             std::to_string(mysql_warning_count(mysql_)) + " warning(s), the first: " + first);
    }
    return stored;
  }

  std::string QuoteLiteral(std::string_view text) override {
    std::string quoted(text.size() * 2 + 3, '\0');
    quoted[0] = '\'';
    // Escapes according to the session's NO_BACKSLASH_ESCAPES status, which the server reports.
    unsigned long n = mysql_real_escape_string(mysql_, quoted.data() + 1, text.data(), text.size());
    quoted.resize(n + 1);
    return quoted + "'";
  }

  Result<int64_t> SessionId() override { return static_cast<int64_t>(mysql_thread_id(mysql_)); }

 private:
  Status Error(const std::string& what) {
    unsigned error = mysql_errno(mysql_);
    if (IsConnectionLost(error)) {
      // Connector/C reports a read or write timeout as a lost connection too.
      const std::string timeout = error == CR_SERVER_LOST ? " (or it sent nothing for " +
                                                                std::to_string(url().timeouts.read.count()) +
                                                                " s: stopped, overloaded or cut off; --db-timeout "
                                                                "sets the wait)"
                                                          : "";
      return Status::Failure("lost the connection to " + Describe() + ": " + mysql_error(mysql_) + timeout +
                             " — the transaction was rolled back; check that the server is still running, then retry");
    }
    if (error == ER_NOT_ALLOWED_COMMAND || error == ER_LOAD_INFILE_CAPABILITY_DISABLED) {
      return Status::Failure(what + " failed on " + Describe() + ": " + mysql_error(mysql_) +
                             " — the server must allow LOCAL INFILE: SET GLOBAL local_infile = 1");
    }
    return Status::Failure(what + " failed on " + Describe() + ": " + mysql_error(mysql_));
  }

  MYSQL* mysql_;
};

// The URL's ssl-mode and ssl-ca in Connector/C's options, which cut differently: ENFORCE makes TLS
// required, a CA file makes it verify the chain, VERIFY_SERVER_CERT adds the host name.
void ApplyTls(MYSQL* mysql, const DbTls& tls) {
  if (tls.mode == TlsMode::kDriverDefault) return;
  my_bool enforce = tls.mode != TlsMode::kDisable;
  my_bool verify_identity = tls.mode == TlsMode::kVerifyIdentity;
  mysql_options(mysql, MYSQL_OPT_SSL_ENFORCE, &enforce);
  mysql_options(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify_identity);
  if (!tls.ca_file.empty()) mysql_options(mysql, MYSQL_OPT_SSL_CA, tls.ca_file.c_str());
}

}  // namespace

Result<std::unique_ptr<Connection>> ConnectMysql(const DbUrl& url) {
  // mysql_library_init is not thread-safe; mysql_init calls it on first use.
  static std::once_flag library_init;
  std::call_once(library_init, [] { mysql_library_init(0, nullptr, nullptr); });
  MYSQL* mysql = mysql_init(nullptr);
  if (mysql == nullptr) return Status::Failure("cannot connect to MySQL/MariaDB: out of memory");
  unsigned int local_infile = 1;
  // A URL names host:port, so always TCP (for "localhost" the client would pick the Unix socket).
  mysql_protocol_type protocol = MYSQL_PROTOCOL_TCP;
  mysql_options(mysql, MYSQL_OPT_PROTOCOL, &protocol);
  // Connector/C bounds each wait on the socket, not a whole statement: a server that stops
  // answering ends the call with CR_SERVER_LOST after the read timeout, while a long load that keeps
  // moving never times out.
  unsigned int connect_timeout = static_cast<unsigned>(url.timeouts.connect.count());
  unsigned int read_timeout = static_cast<unsigned>(url.timeouts.read.count());
  // A LOAD DATA LOCAL whose session the server ended (KILL during an InnoDB bulk insert) can leave
  // the client blocked writing to a peer that no longer reads. A healthy server never stops reading
  // for longer than it waits for a silent client itself (net_read_timeout, 30 s by default).
  unsigned int write_timeout = std::min(read_timeout, 30u);
  mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  mysql_options(mysql, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
  mysql_options(mysql, MYSQL_OPT_WRITE_TIMEOUT, &write_timeout);
  mysql_options(mysql, MYSQL_OPT_LOCAL_INFILE, &local_infile);
  mysql_options(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  ApplyTls(mysql, url.tls);
  // Never a null password: Connector/C would then take MYSQL_PWD, which Spark's JDBC reads could
  // not (connection.h, NoPasswordHint).
  if (mysql_real_connect(mysql, url.host.c_str(), url.user.c_str(), url.password.c_str(), url.database.c_str(),
                         static_cast<unsigned>(url.port), nullptr, CLIENT_MULTI_STATEMENTS) == nullptr) {
    const Status::Reason reason = ConnectFailureReason(mysql_errno(mysql));
    const bool tls_failed = mysql_errno(mysql) == CR_SSL_CONNECTION_ERROR;
    std::string message = mysql_error(mysql);
    // Lost during the handshake: the server accepted the connection and then said nothing.
    if (mysql_errno(mysql) == CR_SERVER_LOST) {
      message += " (no answer within " + std::to_string(connect_timeout) +
                 " s: a stopped or overloaded server accepts the connection and stays silent; --db-timeout sets the "
                 "wait)";
    }
    mysql_close(mysql);
    return Status::Failure("cannot connect to MySQL/MariaDB at " + url.Endpoint() + " (database " + url.database +
                               "): " + message + " — " +
                               (tls_failed ? url.TlsFailureHint()
                                : reason == Status::Reason::kAuthentication && url.password.empty()
                                    ? NoPasswordHint(Dialect::kMysql)
                                    : ConnectHint(reason)),
                           reason);
  }
  return std::unique_ptr<Connection>(new MysqlConnection(url, mysql));
}

}  // namespace sicoop::db
