#include "db/db_url.h"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace sicoop::db {
namespace {

TEST(DbUrlTest, PostgresWithEverything) {
  auto url = ParseDbUrl("postgresql://etl:p%40ss%3Aw0rd%2F%25@db.example:6543/coop");
  ASSERT_TRUE(url.ok()) << url.status().message();
  EXPECT_EQ(url->dialect, Dialect::kPostgres);
  EXPECT_EQ(url->user, "etl");
  EXPECT_EQ(url->password, "p@ss:w0rd/%");
  EXPECT_EQ(url->host, "db.example");
  EXPECT_EQ(url->port, 6543);
  EXPECT_EQ(url->database, "coop");
  EXPECT_EQ(url->Redacted(), "postgresql://etl:***@db.example:6543/coop");
  // No credentials; the timeouts' parameters follow (db/timeouts.h).
  EXPECT_TRUE(url->JdbcUrl().starts_with("jdbc:postgresql://db.example:6543/coop?connectTimeout=")) << url->JdbcUrl();
  EXPECT_EQ(url->JdbcUrl().find("etl"), std::string::npos) << url->JdbcUrl();
}

TEST(DbUrlTest, SchemesAndDefaultPorts) {
  EXPECT_EQ(ParseDbUrl("postgres://u@h/d")->port, 5432);
  EXPECT_EQ(ParseDbUrl("mysql://u@h/d")->port, 3306);
  EXPECT_EQ(ParseDbUrl("mariadb://u@h/d")->dialect, Dialect::kMysql);
  EXPECT_EQ(ParseDbUrl("mysql://u@[::1]:3307/d")->host, "::1");
  EXPECT_EQ(ParseDbUrl("mysql://u@[::1]:3307/d")->Endpoint(), "[::1]:3307");
}

TEST(DbUrlTest, MysqlJdbcUrlAsksForStreamingAndUtf8WithoutCredentials) {
  auto url = ParseDbUrl("mysql://root:topsecret@127.0.0.1:3307/coop");
  ASSERT_TRUE(url.ok());
  std::string jdbc = url->JdbcUrl();
  EXPECT_EQ(jdbc.rfind("jdbc:mysql://127.0.0.1:3307/coop?", 0), 0u) << jdbc;
  EXPECT_NE(jdbc.find("useCursorFetch=true"), std::string::npos);
  EXPECT_NE(jdbc.find("characterEncoding=UTF-8"), std::string::npos);
  EXPECT_EQ(jdbc.find("topsecret"), std::string::npos);
  EXPECT_EQ(jdbc.find("root"), std::string::npos);
}

TEST(DbUrlTest, FallbackPasswordOnlyWhenTheUrlHasNone) {
  EXPECT_EQ(ParseDbUrl("postgresql://u@h/d", "from-env")->password, "from-env");
  EXPECT_EQ(ParseDbUrl("postgresql://u:in-url@h/d", "from-env")->password, "in-url");
  EXPECT_EQ(ParseDbUrl("postgresql://u@h/d", "from-env")->Redacted(), "postgresql://u:***@h:5432/d");
  EXPECT_EQ(ParseDbUrl("postgresql://u@h/d")->password, "");
  EXPECT_EQ(ParseDbUrl("postgresql://u@h/d")->Redacted(), "postgresql://u@h:5432/d");
}

TEST(DbUrlTest, MalformedUrlsAreUsageErrorsThatNeverEchoThePassword) {
  const char* bad[] = {
      "http://u:Secr3tPw@h/d",       "postgresql//u:Secr3tPw@h/d",  "postgresql://u:Secr3tPw@h",
      "postgresql://u:Secr3tPw@h/",  "postgresql://:Secr3tPw@h/d",  "postgresql://u:Secr3tPw@/d",
      "postgresql://u:Secr3tPw@h:99999/d", "postgresql://u:Secr3tPw@h:x/d", "postgresql://u:Secr3tPw%4@h/d",
      "postgresql://u:Secr3tPw%zz@h/d",   "postgresql://u:Secr3tPw@/d?sslmode=require",
  };
  for (const char* text : bad) {
    auto url = ParseDbUrl(text);
    ASSERT_FALSE(url.ok()) << text;
    EXPECT_TRUE(url.status().is_usage()) << text;
    EXPECT_EQ(url.status().message().find("Secr3tPw"), std::string::npos) << url.status().message();
    EXPECT_EQ(url.status().message().find('\n'), std::string::npos) << url.status().message();
    EXPECT_NE(url.status().message().find("expected postgresql://"), std::string::npos) << url.status().message();
  }
}

TEST(DbUrlTest, PostgresTlsParametersReachRedactedAndJdbcInLibpqsWords) {
  auto url = ParseDbUrl("postgresql://etl:pw@db.example/coop?sslmode=verify-full&sslrootcert=/etc/ssl/coop%20ca.pem");
  ASSERT_TRUE(url.ok()) << url.status().message();
  EXPECT_EQ(url->tls.mode, TlsMode::kVerifyIdentity);
  EXPECT_EQ(url->tls.ca_file, "/etc/ssl/coop ca.pem");
  EXPECT_EQ(url->Redacted(), "postgresql://etl:***@db.example:5432/coop?sslmode=verify-full&sslrootcert=/etc/ssl/coop%20ca.pem");
  // The timeouts follow (db/timeouts.h).
  EXPECT_TRUE(url->JdbcUrl().starts_with(
      "jdbc:postgresql://db.example:5432/coop?sslmode=verify-full&sslrootcert=/etc/ssl/coop%20ca.pem&"))
      << url->JdbcUrl();
  // Every sslmode of libpq, and the order of the parameters does not matter.
  const std::pair<const char*, TlsMode> modes[] = {
      {"disable", TlsMode::kDisable}, {"allow", TlsMode::kAllow},         {"prefer", TlsMode::kPrefer},
      {"require", TlsMode::kRequire}, {"verify-ca", TlsMode::kVerifyCa}, {"verify-full", TlsMode::kVerifyIdentity}};
  for (const auto& [word, mode] : modes) {
    auto parsed = ParseDbUrl(std::string("postgresql://u@h/d?sslmode=") + word);
    ASSERT_TRUE(parsed.ok()) << word << ": " << parsed.status().message();
    EXPECT_EQ(parsed->tls.mode, mode) << word;
    EXPECT_TRUE(parsed->JdbcUrl().starts_with(std::string("jdbc:postgresql://h:5432/d?sslmode=") + word + "&"))
        << parsed->JdbcUrl();
  }
  EXPECT_EQ(ParseDbUrl("postgresql://u@h/d?sslrootcert=/ca.pem&sslmode=verify-ca")->Redacted(),
            "postgresql://u@h:5432/d?sslmode=verify-ca&sslrootcert=/ca.pem");
  // No parameter: nothing added, each driver keeps its default.
  EXPECT_EQ(ParseDbUrl("postgresql://u@h/d")->tls.mode, TlsMode::kDriverDefault);
}

TEST(DbUrlTest, MysqlTlsParametersInMysqlsWordsAndConnectorJsTrustStore) {
  auto url = ParseDbUrl("mysql://etl:pw@127.0.0.1:3307/coop?ssl-mode=VERIFY_IDENTITY&ssl-ca=/run/secrets/ca.pem");
  ASSERT_TRUE(url.ok()) << url.status().message();
  EXPECT_EQ(url->tls.mode, TlsMode::kVerifyIdentity);
  EXPECT_EQ(url->tls.ca_file, "/run/secrets/ca.pem");
  EXPECT_EQ(url->Redacted(), "mysql://etl:***@127.0.0.1:3307/coop?ssl-mode=VERIFY_IDENTITY&ssl-ca=/run/secrets/ca.pem");
  const std::string jdbc = url->JdbcUrl();
  EXPECT_TRUE(jdbc.starts_with("jdbc:mysql://127.0.0.1:3307/coop?useCursorFetch=true&characterEncoding=UTF-8&"))
      << jdbc;
  EXPECT_NE(jdbc.find("&sslMode=VERIFY_IDENTITY"), std::string::npos) << jdbc;
  EXPECT_EQ(jdbc.find("trustCertificateKeyStore"), std::string::npos) << jdbc;
  url->tls.jdbc_trust_store = "/out/.tls store/ca-trust.p12";
  EXPECT_NE(url->JdbcUrl().find("&sslMode=VERIFY_IDENTITY&trustCertificateKeyStoreUrl=file:/out/.tls%20store/ca-trust.p12"
                                "&trustCertificateKeyStoreType=PKCS12"
                                "&trustCertificateKeyStorePassword=sicoop-public-certificates"),
            std::string::npos)
      << url->JdbcUrl();
  // As MySQL's own clients: a CA alone means VERIFY_CA; the mode in any case.
  EXPECT_EQ(ParseDbUrl("mysql://u@h/d?ssl-ca=/ca.pem")->tls.mode, TlsMode::kVerifyCa);
  EXPECT_EQ(ParseDbUrl("mariadb://u@h/d?ssl-mode=required")->tls.mode, TlsMode::kRequire);
  EXPECT_EQ(ParseDbUrl("mariadb://u@h/d?ssl-mode=Disabled")->Redacted(), "mysql://u@h:3306/d?ssl-mode=DISABLED");
  EXPECT_EQ(ParseDbUrl("mysql://u@h/d?ssl-mode=VERIFY_CA&ssl-ca=/ca.pem")->tls.mode, TlsMode::kVerifyCa);
}

TEST(DbUrlTest, WrongTlsParametersAreUsageErrorsNamingTheParameterAndTheAcceptedOnes) {
  struct Case {
    const char* url;
    const char* says;    // the reason
    const char* names;   // the accepted parameters or values
  };
  const Case cases[] = {
      {"postgresql://u:Secr3tPw@h/d?sslmode=verify_full", "unknown sslmode 'verify_full'", "verify-ca, verify-full"},
      {"postgresql://u:Secr3tPw@h/d?ssl-mode=REQUIRED", "unknown parameter 'ssl-mode'", "sslmode=disable, allow"},
      {"postgresql://u:Secr3tPw@h/d?sslcompression=1", "unknown parameter 'sslcompression'", "sslrootcert=PATH"},
      {"postgresql://u:Secr3tPw@h/d?sslmode", "the parameter 'sslmode' has no value", "sslmode="},
      {"postgresql://u:Secr3tPw@h/d?sslmode=require&sslmode=disable", "'sslmode' is given twice", "sslmode="},
      {"postgresql://u:Secr3tPw@h/d?sslrootcert=/ca.pem", "sslrootcert is only used to verify the server",
       "sslmode=verify-full"},
      {"postgresql://u:Secr3tPw@h/d?sslmode=require&sslrootcert=/ca.pem", "add sslmode=verify-full (or verify-ca)",
       "sslrootcert=PATH"},
      {"mysql://u:Secr3tPw@h/d?sslmode=verify-full", "unknown parameter 'sslmode'",
       "ssl-mode=DISABLED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY"},
      {"mysql://u:Secr3tPw@h/d?ssl-mode=PREFERRED", "unknown ssl-mode 'PREFERRED'", "ssl-ca=PATH"},
      {"mysql://u:Secr3tPw@h/d?ssl-mode=REQUIRED&ssl-ca=/ca.pem", "add ssl-mode=VERIFY_IDENTITY (or VERIFY_CA)",
       "ssl-ca=PATH"},
      {"mysql://u:Secr3tPw@h/d?ssl-ca=", "ssl-ca is empty", "ssl-ca=PATH"},
      {"mysql://u:Secr3tPw@h/d?ssl-key=/k.pem", "unknown parameter 'ssl-key'", "ssl-ca=PATH"},
  };
  for (const Case& c : cases) {
    auto url = ParseDbUrl(c.url);
    ASSERT_FALSE(url.ok()) << c.url;
    const std::string& message = url.status().message();
    EXPECT_TRUE(url.status().is_usage()) << c.url;
    EXPECT_NE(message.find(c.says), std::string::npos) << message;
    EXPECT_NE(message.find(c.names), std::string::npos) << message;
    EXPECT_EQ(message.find("Secr3tPw"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(DbUrlTest, TlsFailureHintSaysWhatToCheck) {
  auto full = ParseDbUrl("postgresql://u@db.example/d?sslmode=verify-full&sslrootcert=/ca.pem");
  EXPECT_EQ(full->TlsFailureHint(),
            "the server's certificate failed verification under sslmode=verify-full: check that "
            "sslrootcert=/ca.pem holds the CA that signed it and that the certificate names the host db.example");
  auto ca = ParseDbUrl("mysql://u@h/d?ssl-ca=/ca.pem");
  EXPECT_EQ(ca->TlsFailureHint(),
            "the server's certificate failed verification under ssl-mode=VERIFY_CA: check that ssl-ca=/ca.pem "
            "holds the CA that signed it");
  EXPECT_EQ(ParseDbUrl("mysql://u@h/d?ssl-mode=REQUIRED")->TlsFailureHint(),
            "TLS failed under ssl-mode=REQUIRED: check that the server has TLS on");
}

TEST(DbUrlTest, UnencodedAtInThePasswordStillParses) {
  auto url = ParseDbUrl("postgresql://u:a@b@h/d");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->password, "a@b");
  EXPECT_EQ(url->host, "h");
}

}  // namespace
}  // namespace sicoop::db
