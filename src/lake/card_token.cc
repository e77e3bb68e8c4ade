#include "lake/card_token.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "spark/session.h"

namespace sicoop::lake {
namespace {

constexpr size_t kBlockBytes = 64;  // SHA-256's block: HMAC pads the key to it

std::string HowToMakeAKey(const std::filesystem::path& path) {
  return "head -c " + std::to_string(CardTokenKey::kMinimumBytes) + " /dev/urandom > " + path.string() +
         " && chmod 600 " + path.string();
}

Status TooShort(size_t size, const std::string& what, const std::string& fix) {
  return Status::Failure(what + " is " + std::to_string(size) + " bytes long; HMAC-SHA256 needs at least " +
                         std::to_string(CardTokenKey::kMinimumBytes) + " (" + fix + ")");
}

// A key typed or pasted as text (base64, hex, a passphrase): printable ASCII and line breaks.
bool IsText(const std::string& bytes) {
  for (const char c : bytes) {
    if ((c < 0x20 || c > 0x7e) && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return true;
}

std::string Sha256(const std::string& bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  // EVP_Digest fails only without memory, where sicoop cannot go on anyway.
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) std::abort();
  return std::string(reinterpret_cast<const char*>(digest.data()), size);
}

// `mask` XOR each byte of the key padded to the block, in uppercase hex (what Spark's hex() gives).
std::string PadHex(const std::string& block_key, unsigned char mask) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string hex;
  for (size_t i = 0; i < kBlockBytes; ++i) {
    const unsigned char byte = static_cast<unsigned char>(i < block_key.size() ? block_key[i] : 0) ^ mask;
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 0x0f];
  }
  return hex;
}

// SHA-256 (lowercase hex) of the bytes whose hex is `pad_hex` followed by those whose hex is
// `message_hex`. The pad comes from a one-row VALUES of a scalar subquery, marked: a literal is
// shown wherever Spark shows an expression, and the graph of a query's plan on the SQL tab is not
// redacted; a row of a VALUES table is shown only in the plans' text, still marked, where the
// session's redaction finds it.
std::string Sha256OfPadAndSql(const std::string& pad_hex, const std::string& message_hex) {
  const std::string marker(spark::kSecretLiteralMarker);
  return "sha2(unhex(concat((SELECT substr(pad, " + std::to_string(marker.size() + 1) + ") FROM VALUES ('" +
         marker + pad_hex + "') AS pads(pad)), " + message_hex + ")), 256)";
}

}  // namespace

Result<CardTokenKey> CardTokenKey::FromFile(const std::filesystem::path& path) {
  const std::string name = "the card token key file " + path.string();
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    return Status::Failure("cannot read " + name + ": " + std::strerror(error) +
                           " (check the path and that this user may read it; a new lake's key is made with `" +
                           HowToMakeAKey(path) + "`)");
  }
  struct stat info {};
  if (fstat(fd, &info) != 0) {
    const int error = errno;
    close(fd);
    return Status::Failure("cannot read " + name + ": " + std::strerror(error));
  }
  if ((info.st_mode & 077) != 0) {
    close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    return Status::Failure(name + " may be accessed by group or others (mode " + mode +
                           "): anyone who can read the key can tell which card a token stands for (run `chmod 600 " +
                           path.string() + "`)");
  }
  std::string bytes;
  char buffer[4096];
  ssize_t got;
  while ((got = read(fd, buffer, sizeof buffer)) > 0) bytes.append(buffer, static_cast<size_t>(got));
  const int error = errno;
  close(fd);
  if (got < 0) return Status::Failure("cannot read " + name + ": " + std::strerror(error));
  // `echo` and editors end a text key with a newline that is not part of it; random bytes end in
  // 0x0A once in 256 keys, and that byte is theirs.
  if (!bytes.empty() && bytes.back() == '\n' && IsText(bytes.substr(0, bytes.size() - 1))) bytes.pop_back();
  if (bytes.size() < kMinimumBytes) {
    return TooShort(bytes.size(), "the key in " + path.string(),
                    "a new lake's key is made with `" + HowToMakeAKey(path) + "`");
  }
  return CardTokenKey(std::move(bytes));
}

Result<CardTokenKey> CardTokenKey::FromText(std::string text) {
  if (text.size() < kMinimumBytes) {
    return TooShort(text.size(), "the card token key",
                    "use at least " + std::to_string(kMinimumBytes) + " random bytes, e.g. `head -c " +
                        std::to_string(kMinimumBytes) + " /dev/urandom | base64`");
  }
  return CardTokenKey(std::move(text));
}

Status CardTokenKey::CreateFile(const std::filesystem::path& path) {
  const std::string name = "the card token key file " + path.string();
  std::array<unsigned char, kMinimumBytes> key{};
  for (size_t have = 0; have < key.size();) {
    const ssize_t got = getrandom(key.data() + have, key.size() - have, 0);
    if (got < 0 && errno != EINTR) {
      return Status::Failure("cannot make a card token key: getrandom: " + std::string(std::strerror(errno)));
    }
    if (got > 0) have += static_cast<size_t>(got);
  }
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int error = errno;
    if (error == EEXIST) {
      return Status::Failure(name + " already exists; sicoop never replaces a key, as the lake's tokens made with "
                             "it would no longer match (use that file, or name another)");
    }
    return Status::Failure("cannot create " + name + ": " + std::strerror(error) +
                           " (check that its folder exists and that this user may write there)");
  }
  const bool written = write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && fsync(fd) == 0;
  const int error = errno;
  close(fd);
  if (!written) {
    std::filesystem::remove(path);  // a partial key must not be taken for a whole one
    return Status::Failure("cannot write " + name + ": " + std::strerror(error));
  }
  return Status::Ok();
}

CardTokenKey CardTokenKey::WithoutLengthRule(std::string bytes) { return CardTokenKey(std::move(bytes)); }

std::string CardTokenSql(const CardTokenKey& key, const std::string& column) {
  // RFC 2104: HMAC(K, m) = H((K0 ^ opad) || H((K0 ^ ipad) || m)), K0 being K padded with zeros to the
  // block, after hashing a K longer than the block. The pads are computed here, so the query holds
  // no more of the key than they are.
  const std::string block_key = key.bytes_.size() > kBlockBytes ? Sha256(key.bytes_) : key.bytes_;
  const std::string inner = Sha256OfPadAndSql(PadHex(block_key, 0x36), "hex(encode(" + column + ", 'UTF-8'))");
  return Sha256OfPadAndSql(PadHex(block_key, 0x5c), inner);
}

}  // namespace sicoop::lake
