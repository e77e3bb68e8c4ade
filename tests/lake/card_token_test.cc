// The card token: how its key is loaded and made (unit), and its HMAC-SHA256 computed by the real
// Spark Connect server of the spark_server fixture, against RFC 4231's test vectors and against
// OpenSSL's HMAC.
#include "lake/card_token.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "spark/session.h"
#include "support/files.h"
#include "support/test_servers.h"

namespace sicoop::lake {
namespace {

namespace fs = std::filesystem;
using testing::MakeTestFolder;
using testing::ReadWholeFile;

// 32 bytes, the shortest key the loaders take.
constexpr const char* kKey32 = "0123456789abcdef0123456789abcdef";

class CardTokenKeyTest : public ::testing::Test {
 protected:
  void SetUp() override { folder_ = MakeTestFolder("sicoop-card-token"); }
  void TearDown() override { fs::remove_all(folder_); }

  fs::path Write(const std::string& name, const std::string& bytes, fs::perms mode = fs::perms::owner_read |
                                                                                     fs::perms::owner_write) {
    const fs::path path = folder_ / name;
    std::ofstream(path, std::ios::binary) << bytes;
    fs::permissions(path, mode);
    return path;
  }

  fs::path folder_;
};

// Two keys are the same key when they give the same expression (the pads are all it holds of them).
std::string SqlOf(const Result<CardTokenKey>& key) {
  EXPECT_TRUE(key.ok()) << key.status().message();
  return key.ok() ? CardTokenSql(key.value(), "c") : "";
}

TEST_F(CardTokenKeyTest, AFileGivesItsBytesLessOneTrailingNewline) {
  EXPECT_EQ(SqlOf(CardTokenKey::FromFile(Write("plain", kKey32))), SqlOf(CardTokenKey::FromText(kKey32)));
  EXPECT_EQ(SqlOf(CardTokenKey::FromFile(Write("newline", std::string(kKey32) + "\n"))),
            SqlOf(CardTokenKey::FromText(kKey32)));
  EXPECT_EQ(SqlOf(CardTokenKey::FromFile(Write("two", std::string(kKey32) + "\n\n"))),
            SqlOf(CardTokenKey::FromText(std::string(kKey32) + "\n")));
  EXPECT_NE(SqlOf(CardTokenKey::FromFile(Write("other", std::string(kKey32) + "x"))),
            SqlOf(CardTokenKey::FromText(kKey32)));
}

// 1 in 256 random keys, those `CreateFile` and `head -c 32 /dev/urandom` make, ends in the byte 0x0A.
TEST_F(CardTokenKeyTest, ABinaryKeyEndingInTheNewlineByteIsTakenWhole) {
  std::string binary(32, '\xa5');
  binary.back() = '\n';
  EXPECT_EQ(SqlOf(CardTokenKey::FromFile(Write("binary", binary))), SqlOf(CardTokenKey::FromText(binary)));
  std::string longer = binary + '\n';
  EXPECT_EQ(SqlOf(CardTokenKey::FromFile(Write("binary-longer", longer))), SqlOf(CardTokenKey::FromText(longer)));
}

TEST_F(CardTokenKeyTest, AShortKeyIsRefusedWithTheCommandThatMakesOne) {
  const std::string short_key = std::string(kKey32).substr(1);
  for (const std::string& content : {short_key, short_key + "\n", std::string(), std::string("\n")}) {
    const fs::path path = Write("short", content);
    auto key = CardTokenKey::FromFile(path);
    ASSERT_FALSE(key.ok());
    const std::string& message = key.status().message();
    EXPECT_NE(message.find(path.string()), std::string::npos) << message;
    EXPECT_NE(message.find("at least 32"), std::string::npos) << message;
    EXPECT_NE(message.find("head -c 32 /dev/urandom > " + path.string() + " && chmod 600 " + path.string()),
              std::string::npos)
        << message;
    if (!content.empty()) {
      EXPECT_EQ(message.find(short_key.substr(0, 8)), std::string::npos) << "the key shown";
    }
  }
  auto text = CardTokenKey::FromText(short_key);
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("31 bytes long; HMAC-SHA256 needs at least 32"), std::string::npos)
      << text.status().message();
  EXPECT_EQ(text.status().message().find(short_key.substr(0, 8)), std::string::npos) << "the key shown";
  EXPECT_TRUE(CardTokenKey::FromText(kKey32).ok());
}

TEST_F(CardTokenKeyTest, AFileThatGroupOrOthersMayAccessIsRefused) {
  using fs::perms;
  const perms owner = perms::owner_read | perms::owner_write;
  for (const auto& [mode, shown] : std::vector<std::pair<perms, std::string>>{
           {owner | perms::group_read, "0640"}, {owner | perms::others_read, "0604"},
           {owner | perms::others_write, "0602"}, {perms::owner_read | perms::group_exec, "0410"}}) {
    const fs::path path = Write("open-" + shown, kKey32, mode);
    auto key = CardTokenKey::FromFile(path);
    ASSERT_FALSE(key.ok()) << shown;
    const std::string& message = key.status().message();
    EXPECT_NE(message.find(path.string() + " may be accessed by group or others (mode " + shown + ")"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("chmod 600 " + path.string()), std::string::npos) << message;
    EXPECT_EQ(message.find(kKey32), std::string::npos) << "the key shown";
  }
  EXPECT_TRUE(CardTokenKey::FromFile(Write("owner-only", kKey32, perms::owner_read)).ok());
}

TEST_F(CardTokenKeyTest, AFileThatCannotBeReadIsNamedWithWhatToDo) {
  const fs::path missing = folder_ / "missing";
  auto key = CardTokenKey::FromFile(missing);
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find("cannot read the card token key file " + missing.string() +
                                        ": No such file or directory"),
            std::string::npos)
      << key.status().message();
  EXPECT_NE(key.status().message().find("head -c 32 /dev/urandom > " + missing.string()), std::string::npos)
      << key.status().message();

  const fs::path folder = folder_ / "a-folder";
  fs::create_directory(folder);
  fs::permissions(folder, fs::perms::owner_all);
  key = CardTokenKey::FromFile(folder);
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find("cannot read the card token key file " + folder.string()),
            std::string::npos)
      << key.status().message();
}

TEST_F(CardTokenKeyTest, CreateFileWritesThirtyTwoRandomBytesForTheOwnerOnlyAndNeverReplacesAKey) {
  const fs::path first = folder_ / "first.key", second = folder_ / "second.key";
  ASSERT_TRUE(CardTokenKey::CreateFile(first).ok());
  ASSERT_TRUE(CardTokenKey::CreateFile(second).ok());
  struct stat info {};
  ASSERT_EQ(stat(first.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0600u);
  const std::string bytes = ReadWholeFile(first);
  EXPECT_EQ(bytes.size(), 32u);
  EXPECT_NE(bytes, ReadWholeFile(second));
  EXPECT_TRUE(CardTokenKey::FromFile(first).ok());

  const Status again = CardTokenKey::CreateFile(first);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.message().find("the card token key file " + first.string() + " already exists"), std::string::npos)
      << again.message();
  EXPECT_EQ(ReadWholeFile(first), bytes);

  const Status nowhere = CardTokenKey::CreateFile(folder_ / "no-such-folder" / "k");
  ASSERT_FALSE(nowhere.ok());
  EXPECT_NE(nowhere.message().find("cannot create the card token key file"), std::string::npos) << nowhere.message();
}

// OpenSSL's HMAC-SHA256 of `message` under `key`, in lowercase hex: the reference Spark is held to.
std::string OpensslHmac(const std::string& key, const std::string& message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), digest, &size);
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    static constexpr char kDigits[] = "0123456789abcdef";
    hex += kDigits[digest[i] >> 4];
    hex += kDigits[digest[i] & 0x0f];
  }
  return hex;
}

class CardTokenSparkTest : public CardTokenKeyTest {
 protected:
  void SetUp() override {
    CardTokenKeyTest::SetUp();
    auto endpoint = spark::ParseConnectionString(testing::SparkUrl());
    ASSERT_TRUE(endpoint.ok()) << endpoint.status().message();
    auto session = spark::SparkSession::Connect(*endpoint);
    ASSERT_TRUE(session.ok()) << session.status().message();
    spark_ = std::move(*session);
  }

  // The tokens Spark computes under `key` for each message (a Spark SQL string literal or NULL), in order.
  std::vector<std::optional<std::string>> Tokens(const CardTokenKey& key, const std::vector<std::string>& messages) {
    std::string values;
    for (size_t i = 0; i < messages.size(); ++i) {
      values += (i ? ", (" : "(") + std::to_string(i) + ", " + messages[i] + ")";
    }
    auto rows = spark_->Sql("SELECT " + CardTokenSql(key, "m") + " FROM VALUES " + values + " AS t(k, m) ORDER BY k")
                    .Collect();
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    std::vector<std::optional<std::string>> tokens;
    if (rows.ok()) {
      for (const auto& row : rows->rows) tokens.push_back(row.at(0));
    }
    return tokens;
  }

  std::unique_ptr<spark::SparkSession> spark_;
};

// RFC 4231 section 4: the test cases whose data is text (3 and 4 are bytes that are not UTF-8, and 5
// is a truncated output). Keys of 20 and 4 bytes (cases 1 and 2), and of 131 bytes, longer than
// the block, which HMAC hashes first (cases 6 and 7).
TEST_F(CardTokenSparkTest, SparkComputesTheHmacSha256OfRfc4231) {
  EXPECT_EQ(Tokens(CardTokenKey::WithoutLengthRule(std::string(20, '\x0b')), {"'Hi There'"}),
            (std::vector<std::optional<std::string>>{
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"}));
  EXPECT_EQ(Tokens(CardTokenKey::WithoutLengthRule("Jefe"), {"'what do ya want for nothing?'"}),
            (std::vector<std::optional<std::string>>{
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"}));
  EXPECT_EQ(Tokens(CardTokenKey::WithoutLengthRule(std::string(131, '\xaa')),
                   {"'Test Using Larger Than Block-Size Key - Hash Key First'",
                    "'This is a test using a larger than block-size key and a larger than block-size data. The key "
                    "needs to be hashed before being used by the HMAC algorithm.'"}),
            (std::vector<std::optional<std::string>>{
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"}));
}

// Card numbers as stored (digits, spaces), non-ASCII text (2, 3 and 4 UTF-8 bytes a character), the
// empty text and NULL, under a key from CreateFile and keys at and just past the block's length.
TEST_F(CardTokenSparkTest, SparkAgreesWithOpensslOnUtf8TextAndGivesNullForNull) {
  const fs::path file = folder_ / "lake.key";
  ASSERT_TRUE(CardTokenKey::CreateFile(file).ok());
  auto created = CardTokenKey::FromFile(file);
  ASSERT_TRUE(created.ok()) << created.status().message();
  const std::vector<std::string> messages = {"4111111111111111", "5500 0000 0000 0004", "Conceição ₢ 😀 São João",
                                             ""};
  std::vector<std::string> literals;
  for (const std::string& message : messages) literals.push_back("'" + message + "'");
  literals.push_back("NULL");

  const std::vector<std::pair<std::string, CardTokenKey>> keys = {
      {ReadWholeFile(file), *created},
      {std::string(64, 'k'), CardTokenKey::WithoutLengthRule(std::string(64, 'k'))},
      {std::string(65, 'k'), CardTokenKey::WithoutLengthRule(std::string(65, 'k'))}};
  for (const auto& [bytes, key] : keys) {
    std::vector<std::optional<std::string>> expected;
    for (const std::string& message : messages) expected.push_back(OpensslHmac(bytes, message));
    expected.push_back(std::nullopt);
    EXPECT_EQ(Tokens(key, literals), expected) << "a key of " << bytes.size() << " bytes";
  }
}

}  // namespace
}  // namespace sicoop::lake
