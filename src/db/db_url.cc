#include "db/db_url.h"

namespace sicoop::db {
namespace {

constexpr const char* kUrlHint =
    " (expected postgresql://USER[:PASSWORD]@HOST[:PORT]/DB or mysql://USER[:PASSWORD]@HOST[:PORT]/DB)";

Status BadUrl(const std::string& reason) { return Status::Usage("bad database URL: " + reason + kUrlHint); }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes; `what` names the part for the error, which never repeats the text itself
// because that text may be a password.
Result<std::string> PercentDecode(std::string_view text, const std::string& what) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    int high = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
    int low = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
    if (high < 0 || low < 0) {
      return BadUrl("invalid percent-escape in the " + what + "; write '%' as %25");
    }
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

struct Scheme {
  std::string_view prefix;
  Dialect dialect;
};
constexpr Scheme kSchemes[] = {{"postgresql://", Dialect::kPostgres},
                               {"postgres://", Dialect::kPostgres},
                               {"mysql://", Dialect::kMysql},
                               {"mariadb://", Dialect::kMysql}};

Result<int> ParsePort(std::string_view text) {
  if (text.empty() || text.size() > 5) return BadUrl("the port must be a number from 1 to 65535");
  int port = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return BadUrl("the port must be a number from 1 to 65535");
    port = port * 10 + (c - '0');
  }
  if (port < 1 || port > 65535) return BadUrl("the port must be a number from 1 to 65535");
  return port;
}

}  // namespace

const char* DialectName(Dialect dialect) {
  return dialect == Dialect::kPostgres ? "PostgreSQL" : "MySQL/MariaDB";
}

Result<DbUrl> ParseDbUrl(std::string_view url, std::string_view fallback_password) {
  DbUrl parsed;
  std::string_view rest;
  bool known = false;
  for (const Scheme& scheme : kSchemes) {
    if (url.substr(0, scheme.prefix.size()) == scheme.prefix) {
      parsed.dialect = scheme.dialect;
      rest = url.substr(scheme.prefix.size());
      known = true;
      break;
    }
  }
  if (!known) return BadUrl("it must start with postgresql://, postgres://, mysql:// or mariadb://");

  // The user info ends at the last '@' so that an unencoded '@' in a password still parses.
  size_t slash = rest.find('/', rest.rfind('@') == std::string_view::npos ? 0 : rest.rfind('@'));
  if (slash == std::string_view::npos) return BadUrl("no database name after the host");
  std::string_view authority = rest.substr(0, slash);
  std::string_view database = rest.substr(slash + 1);
  size_t query = database.find('?');
  if (query != std::string_view::npos) return BadUrl("query parameters (?...) are not supported");
  if (database.empty()) return BadUrl("no database name after the host");
  if (database.find('/') != std::string_view::npos) return BadUrl("the database name cannot contain '/'");
  SICOOP_ASSIGN_OR_RETURN(parsed.database, PercentDecode(database, "database name"));

  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return BadUrl("no user (USER@HOST)");
  std::string_view userinfo = authority.substr(0, at);
  std::string_view hostport = authority.substr(at + 1);
  size_t colon = userinfo.find(':');
  SICOOP_ASSIGN_OR_RETURN(parsed.user, PercentDecode(userinfo.substr(0, colon), "user"));
  if (parsed.user.empty()) return BadUrl("no user (USER@HOST)");
  if (colon != std::string_view::npos) {
    SICOOP_ASSIGN_OR_RETURN(parsed.password, PercentDecode(userinfo.substr(colon + 1), "password"));
  } else {
    parsed.password = std::string(fallback_password);
  }

  size_t port_colon = hostport.rfind(':');
  if (!hostport.empty() && hostport.front() == '[') {  // [IPv6]:port
    size_t close = hostport.find(']');
    if (close == std::string_view::npos) return BadUrl("unterminated '[' in the host");
    port_colon = close + 1 < hostport.size() && hostport[close + 1] == ':' ? close + 1 : std::string_view::npos;
    parsed.host = std::string(hostport.substr(1, close - 1));
  } else {
    parsed.host = std::string(hostport.substr(0, port_colon));
  }
  if (parsed.host.empty()) return BadUrl("no host after '@'");
  if (port_colon != std::string_view::npos) {
    SICOOP_ASSIGN_OR_RETURN(parsed.port, ParsePort(hostport.substr(port_colon + 1)));
  } else {
    parsed.port = parsed.dialect == Dialect::kPostgres ? 5432 : 3306;
  }
  return parsed;
}

std::string DbUrl::Endpoint() const {
  bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string DbUrl::Redacted() const {
  std::string scheme = dialect == Dialect::kPostgres ? "postgresql://" : "mysql://";
  return scheme + user + (password.empty() ? "" : ":***") + "@" + Endpoint() + "/" + database;
}

std::string DbUrl::JdbcUrl() const {
  if (dialect == Dialect::kPostgres) return "jdbc:postgresql://" + Endpoint() + "/" + database;
  // useCursorFetch streams a result set in fetchsize batches instead of loading it whole;
  // characterEncoding=UTF-8 maps to utf8mb4 in Connector/J 8+, so 4-byte characters survive.
  return "jdbc:mysql://" + Endpoint() + "/" + database + "?useCursorFetch=true&characterEncoding=UTF-8";
}

}  // namespace sicoop::db
