#include "db/db_url.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

#include "db/jdbc_trust_store.h"

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

// The TLS modes in each dialect's words, in the order users meet them in its documentation.
struct ModeName {
  TlsMode mode;
  const char* postgres;  // libpq's and pgjdbc's sslmode
  const char* mysql;     // MySQL's ssl-mode and Connector/J's sslMode; null: no such mode
};
constexpr ModeName kModeNames[] = {{TlsMode::kDisable, "disable", "DISABLED"},
                                   {TlsMode::kAllow, "allow", nullptr},
                                   // Connector/C has no "try TLS, else plain" for
                                   // sicoop's own connection to mirror, so MySQL URLs take no PREFERRED.
                                   {TlsMode::kPrefer, "prefer", nullptr},
                                   {TlsMode::kRequire, "require", "REQUIRED"},
                                   {TlsMode::kVerifyCa, "verify-ca", "VERIFY_CA"},
                                   {TlsMode::kVerifyIdentity, "verify-full", "VERIFY_IDENTITY"}};

std::string ModeWords(Dialect dialect) {
  std::string words;
  for (const ModeName& name : kModeNames) {
    const char* word = dialect == Dialect::kPostgres ? name.postgres : name.mysql;
    if (word != nullptr) words += (words.empty() ? "" : ", ") + std::string(word);
  }
  return words;
}

// The query parameters each dialect takes, in its own words.
struct TlsParameterNames {
  const char* mode;
  const char* ca_file;
};
TlsParameterNames ParameterNames(Dialect dialect) {
  return dialect == Dialect::kPostgres ? TlsParameterNames{"sslmode", "sslrootcert"}
                                       : TlsParameterNames{"ssl-mode", "ssl-ca"};
}

// A bad parameter is a usage error of its own kind: the URL's shape was right, so the hint names
// the parameters instead of the URL's form.
Status BadParameter(Dialect dialect, const std::string& reason) {
  TlsParameterNames names = ParameterNames(dialect);
  return Status::Usage("bad database URL: " + reason + " (" + DialectName(dialect) + " URLs take " + names.mode +
                       "=" + ModeWords(dialect) + " and " + names.ca_file + "=PATH to a PEM file of trusted CAs)");
}

Result<TlsMode> ParseMode(Dialect dialect, std::string_view value) {
  for (const ModeName& name : kModeNames) {
    const char* word = dialect == Dialect::kPostgres ? name.postgres : name.mysql;
    if (word == nullptr) continue;
    // MySQL's clients take ssl-mode in any case; libpq only in lower case.
    bool same = dialect == Dialect::kPostgres
                    ? value == word
                    : value.size() == std::strlen(word) &&
                          std::equal(value.begin(), value.end(), word, [](char a, char b) {
                            return std::toupper(static_cast<unsigned char>(a)) == b;
                          });
    if (same) return name.mode;
  }
  return BadParameter(dialect, std::string("unknown ") + ParameterNames(dialect).mode + " '" + std::string(value) + "'");
}

// Parses "k=v&k=v" into `tls`. Values never hold secrets, so they may be echoed in errors.
Status ParseQuery(Dialect dialect, std::string_view query, DbTls& tls) {
  TlsParameterNames names = ParameterNames(dialect);
  bool mode_given = false, ca_given = false;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (item.empty()) continue;
    size_t eq = item.find('=');
    std::string key(item.substr(0, eq));
    if (eq == std::string_view::npos) return BadParameter(dialect, "the parameter '" + key + "' has no value");
    SICOOP_ASSIGN_OR_RETURN(std::string value, PercentDecode(item.substr(eq + 1), "parameter " + key));
    if (key == names.mode && !mode_given) {
      SICOOP_ASSIGN_OR_RETURN(tls.mode, ParseMode(dialect, value));
      mode_given = true;
    } else if (key == names.ca_file && !ca_given) {
      if (value.empty()) return BadParameter(dialect, key + " is empty");
      tls.ca_file = value;
      ca_given = true;
    } else if (key == names.mode || key == names.ca_file) {
      return BadParameter(dialect, "the parameter '" + key + "' is given twice");
    } else {
      return BadParameter(dialect, "unknown parameter '" + key + "'");
    }
  }
  // MySQL's clients read a CA alone as VERIFY_CA. Any weaker mode would ignore the CA the user
  // gave, and a connection believed verified would not be.
  if (ca_given && !mode_given && dialect == Dialect::kMysql) tls.mode = TlsMode::kVerifyCa;
  if (ca_given && !tls.verifies()) {
    return BadParameter(dialect, std::string(names.ca_file) + " is only used to verify the server: add " + names.mode +
                                     "=" + TlsModeWord(dialect, TlsMode::kVerifyIdentity) + " (or " +
                                     TlsModeWord(dialect, TlsMode::kVerifyCa) + ")");
  }
  return Status::Ok();
}

// Escapes a query value for a URL (sicoop's and the JDBC drivers', which decode %XX and '+'):
// everything but unreserved characters and the '/' and ':' of paths.
std::string QueryEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || std::strchr("-._~/:", c) != nullptr) {
      out += c;
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", static_cast<unsigned char>(c));
      out += escaped;
    }
  }
  return out;
}

// "?sslmode=...&sslrootcert=..." in the dialect's own words, or "" when the URL had none.
std::string TlsQuery(Dialect dialect, const DbTls& tls) {
  TlsParameterNames names = ParameterNames(dialect);
  std::string query;
  if (tls.mode != TlsMode::kDriverDefault) query += std::string("&") + names.mode + "=" + TlsModeWord(dialect, tls.mode);
  if (!tls.ca_file.empty()) query += std::string("&") + names.ca_file + "=" + QueryEscape(tls.ca_file);
  if (!query.empty()) query[0] = '?';
  return query;
}

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

const char* TlsModeWord(Dialect dialect, TlsMode mode) {
  for (const ModeName& name : kModeNames) {
    if (name.mode == mode) return dialect == Dialect::kPostgres ? name.postgres : name.mysql;
  }
  return nullptr;
}

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
  std::string_view query;
  if (size_t question = database.find('?'); question != std::string_view::npos) {
    query = database.substr(question + 1);
    database = database.substr(0, question);
  }
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
  SICOOP_RETURN_IF_ERROR(ParseQuery(parsed.dialect, query, parsed.tls));
  return parsed;
}

std::string DbUrl::Endpoint() const {
  bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string DbUrl::TlsFailureHint() const {
  TlsParameterNames names = ParameterNames(dialect);
  const char* mode_word = TlsModeWord(dialect, tls.mode);
  std::string asked = mode_word == nullptr ? "the driver's default TLS mode" : std::string(names.mode) + "=" + mode_word;
  if (!tls.verifies()) return "TLS failed under " + asked + ": check that the server has TLS on";
  std::string hint = "the server's certificate failed verification under " + asked + ": check that " +
                     (tls.ca_file.empty() ? std::string("the system's CAs hold") : names.ca_file + ("=" + tls.ca_file) + " holds") +
                     " the CA that signed it";
  if (tls.mode == TlsMode::kVerifyIdentity) hint += " and that the certificate names the host " + host;
  return hint;
}

std::string DbUrl::Redacted() const {
  std::string scheme = dialect == Dialect::kPostgres ? "postgresql://" : "mysql://";
  return scheme + user + (password.empty() ? "" : ":***") + "@" + Endpoint() + "/" + database +
         TlsQuery(dialect, tls);
}

std::string DbUrl::JdbcUrl() const {
  // pgjdbc takes libpq's sslmode and sslrootcert as they are.
  if (dialect == Dialect::kPostgres) {
    return WithJdbcTimeouts("jdbc:postgresql://" + Endpoint() + "/" + database + TlsQuery(dialect, tls), dialect,
                            timeouts);
  }
  // useCursorFetch streams a result set in fetchsize batches instead of loading it whole;
  // characterEncoding=UTF-8 maps to utf8mb4 in Connector/J 8+, so 4-byte characters survive.
  std::string url = "jdbc:mysql://" + Endpoint() + "/" + database + "?useCursorFetch=true&characterEncoding=UTF-8";
  if (tls.mode != TlsMode::kDriverDefault) url += std::string("&sslMode=") + TlsModeWord(dialect, tls.mode);
  if (!tls.jdbc_trust_store.empty()) {
    // The store holds public certificates only; its password guards nothing secret, but a PKCS12
    // file must have one.
    url += "&trustCertificateKeyStoreUrl=" + QueryEscape("file:" + tls.jdbc_trust_store) +
           "&trustCertificateKeyStoreType=PKCS12&trustCertificateKeyStorePassword=" + kTrustStorePassword;
  }
  return WithJdbcTimeouts(url, dialect, timeouts);
}

}  // namespace sicoop::db
