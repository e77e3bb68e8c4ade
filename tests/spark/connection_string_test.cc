#include "spark/connection_string.h"

#include <gtest/gtest.h>

namespace sicoop::spark {
namespace {

ConnectionString Parse(const std::string& text) {
  auto parsed = ParseConnectionString(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.status().message();
  return parsed.ok() ? *parsed : ConnectionString{};
}

std::string ErrorOf(const std::string& text) {
  auto parsed = ParseConnectionString(text);
  EXPECT_FALSE(parsed.ok()) << text << " was accepted";
  if (parsed.ok()) return "";
  EXPECT_TRUE(parsed.status().is_usage()) << text;
  return parsed.status().message();
}

TEST(ConnectionStringTest, HostAloneTakesTheDefaultPort) {
  ConnectionString endpoint = Parse("sc://myhost.com");
  EXPECT_EQ(endpoint.host, "myhost.com");
  EXPECT_EQ(endpoint.port, 15002);
  EXPECT_FALSE(endpoint.use_ssl);
  EXPECT_EQ(Parse("sc://myhost.com/").port, 15002);
}

TEST(ConnectionStringTest, HostAndPort) {
  ConnectionString endpoint = Parse("sc://127.0.0.1:43210");
  EXPECT_EQ(endpoint.host, "127.0.0.1");
  EXPECT_EQ(endpoint.port, 43210);
  EXPECT_EQ(endpoint.Target(), "127.0.0.1:43210");
  EXPECT_EQ(endpoint.Redacted(), "sc://127.0.0.1:43210");
}

TEST(ConnectionStringTest, Parameters) {
  ConnectionString endpoint =
      Parse("sc://spark.example.com:443/;use_ssl=true;user_id=martin;user_agent=etl;x-gateway=blue");
  EXPECT_TRUE(endpoint.use_ssl);
  EXPECT_EQ(endpoint.user_id, "martin");
  EXPECT_EQ(endpoint.user_agent, "etl");
  EXPECT_EQ(endpoint.params.at("x-gateway"), "blue");
  EXPECT_TRUE(endpoint.token.empty());
}

TEST(ConnectionStringTest, TokenImpliesTlsAndIsNeverShown) {
  ConnectionString endpoint = Parse("sc://spark.example.com:443/;token=s3cr3t==");
  EXPECT_EQ(endpoint.token, "s3cr3t==");  // '=' in a value (base64 padding) is part of it
  EXPECT_TRUE(endpoint.use_ssl);
  EXPECT_EQ(endpoint.Redacted(), "sc://spark.example.com:443/;token=***;use_ssl=true");
  // The token alone turned TLS on (sicoop etl says so); with use_ssl=true the user asked for it.
  EXPECT_TRUE(endpoint.use_ssl_implied);
  EXPECT_FALSE(Parse("sc://h/;token=t;use_ssl=true").use_ssl_implied);
  EXPECT_FALSE(Parse("sc://h/;use_ssl=true").use_ssl_implied);
  EXPECT_FALSE(Parse("sc://h").use_ssl_implied);
}

TEST(ConnectionStringTest, SecretLookingExtraParametersAreRedacted) {
  ConnectionString endpoint = Parse("sc://h/;x-api-key=abc;region=eu");
  EXPECT_EQ(endpoint.Redacted(), "sc://h:15002/;region=eu;x-api-key=***");
}

TEST(ConnectionStringTest, SessionIdMustBeAUuid) {
  EXPECT_EQ(Parse("sc://h/;session_id=550e8400-e29b-41d4-a716-446655440000").session_id,
            "550e8400-e29b-41d4-a716-446655440000");
  EXPECT_NE(ErrorOf("sc://h/;session_id=abc").find("UUID"), std::string::npos);
}

TEST(ConnectionStringTest, Ipv6Host) {
  ConnectionString endpoint = Parse("sc://[::1]:15003");
  EXPECT_EQ(endpoint.host, "::1");
  EXPECT_EQ(endpoint.port, 15003);
  EXPECT_EQ(endpoint.Target(), "[::1]:15003");
}

TEST(ConnectionStringTest, MalformedStringsAreUsageErrorsThatSayWhy) {
  EXPECT_NE(ErrorOf("http://host:15002").find("sc://"), std::string::npos);
  EXPECT_NE(ErrorOf("sc://").find("empty host"), std::string::npos);
  EXPECT_NE(ErrorOf("sc://host:").find("port"), std::string::npos);
  EXPECT_NE(ErrorOf("sc://host:0").find("port"), std::string::npos);
  EXPECT_NE(ErrorOf("sc://host:65536").find("port"), std::string::npos);
  EXPECT_NE(ErrorOf("sc://host:12ab").find("port"), std::string::npos);
  EXPECT_NE(ErrorOf("sc://host:443/prefix/;use_ssl=true").find("no path"), std::string::npos);
  EXPECT_NE(ErrorOf("sc://host:443;use_ssl=true").find("after a '/'"), std::string::npos);
  EXPECT_NE(ErrorOf("sc://ho st").find("host"), std::string::npos);
  EXPECT_NE(ErrorOf("sc://host/;use_ssl=yes").find("use_ssl"), std::string::npos);
  EXPECT_NE(ErrorOf("sc://host/;user_id=a;user_id=b").find("twice"), std::string::npos);
  EXPECT_NE(ErrorOf("sc://[::1:15002").find("IPv6"), std::string::npos);
}

TEST(ConnectionStringTest, ErrorsNeverEchoTheToken) {
  EXPECT_EQ(ErrorOf("sc://host/;token=hunter2;use_ssl=false").find("hunter2"), std::string::npos);
  EXPECT_EQ(ErrorOf("sc://host/;tokenhunter2").find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace sicoop::spark
