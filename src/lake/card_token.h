// The card-number token of the lake (PCI DSS: no card number in clear at rest). Beside the masked
// number, the lake keeps HMAC-SHA256(key, number): equal numbers give equal tokens, so analysts can
// group and join by card, while nobody without the key can test a guessed number against a token.
// The key lives outside the lake (a file of mode 0600, or an environment variable) and reaches Spark
// only inside the query, as HMAC pads in marked string literals that the session's redaction pattern
// blanks out of the Spark UI (spark::kSecretLiteralMarker).
//
//   SICOOP_ASSIGN_OR_RETURN(CardTokenKey key, CardTokenKey::FromFile(path));
//   spark->Sql("SELECT " + CardTokenSql(key, "numero_cartao") + " AS card_token FROM ...");
#pragma once

#include <filesystem>
#include <string>

#include "common/status.h"

namespace sicoop::lake {

// The secret key of the token. Its bytes never leave this class but as HMAC pads in CardTokenSql;
// there is no way to print it.
class CardTokenKey {
 public:
  // The shortest key the loaders accept: HMAC-SHA256's output length (RFC 2104 section 3).
  static constexpr size_t kMinimumBytes = 32;

  // The bytes of the file at `path`, less one trailing "\n" when the rest is text (what `echo` and
  // editors add); a binary key is taken whole, as random bytes end in "\n" once in 256. Refused,
  // with a message naming the file and what to do: a file that cannot be read, one that group or
  // others may access (mode & 077, as ssh refuses a private key), and a key shorter than
  // kMinimumBytes.
  static Result<CardTokenKey> FromFile(const std::filesystem::path& path);
  // The bytes of `text` (e.g. an environment variable's value); shorter than kMinimumBytes is refused.
  static Result<CardTokenKey> FromText(std::string text);
  // Writes a new key of kMinimumBytes random bytes (getrandom) into a new file at `path`, of mode
  // 0600. An existing file is never overwritten: the tokens already made with it would stop matching.
  static Status CreateFile(const std::filesystem::path& path);
  // `bytes` as the key, of any length: for the known-answer tests of RFC 4231, whose keys are
  // shorter than the loaders allow. Keys of sicoop's users come from FromFile or FromText.
  static CardTokenKey WithoutLengthRule(std::string bytes);

 private:
  explicit CardTokenKey(std::string bytes) : bytes_(std::move(bytes)) {}
  friend std::string CardTokenSql(const CardTokenKey& key, const std::string& column);

  std::string bytes_;
};

// A Spark SQL expression whose value is the lowercase hex of HMAC-SHA256(key, the UTF-8 bytes of
// `column`) (RFC 2104), 64 characters; NULL when `column` is NULL. `column` is a Spark SQL expression
// of type STRING. The key appears in it only as its two HMAC pads, each the one row of a VALUES
// table in a scalar subquery, as a string literal that starts with spark::kSecretLiteralMarker: use
// it where Spark takes a scalar subquery (a SELECT list).
std::string CardTokenSql(const CardTokenKey& key, const std::string& column);

}  // namespace sicoop::lake
