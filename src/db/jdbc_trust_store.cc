#include "db/jdbc_trust_store.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "common/process.h"

namespace sicoop::db {
namespace {

constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
constexpr std::string_view kEnd = "-----END CERTIFICATE-----";

// The PEM blocks of `text`: keytool imports one trusted certificate per call, so a bundle of
// several CAs is split first.
std::vector<std::string> CertificateBlocks(const std::string& text) {
  std::vector<std::string> blocks;
  size_t begin = text.find(kBegin);
  while (begin != std::string::npos) {
    size_t end = text.find(kEnd, begin);
    if (end == std::string::npos) break;
    end += kEnd.size();
    blocks.push_back(text.substr(begin, end - begin) + "\n");
    begin = text.find(kBegin, end);
  }
  return blocks;
}

}  // namespace

Result<JdbcTrustStore> JdbcTrustStore::Make(const std::string& ca_file, const std::filesystem::path& folder_path,
                                            const std::string& keytool) {
  std::ifstream in(ca_file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) {
    return Status::Failure("cannot read the CA file " + ca_file +
                           " named by ssl-ca: check the path and that sicoop may read it");
  }
  std::vector<std::string> blocks = CertificateBlocks(text.str());
  if (blocks.empty()) {
    return Status::Failure("the CA file " + ca_file + " named by ssl-ca holds no PEM certificate (" +
                           std::string(kBegin) + "...)");
  }
  if (mkdir(folder_path.c_str(), 0755) != 0) {
    return Status::Failure("cannot create the folder " + folder_path.string() + " for the JDBC trust store: " +
                           std::strerror(errno));
  }
  JdbcTrustStore trust;
  trust.folder_ = folder_path;
  const std::filesystem::path& folder = trust.folder_;
  chmod(folder_path.c_str(), 0755);
  const std::filesystem::path store = folder / "ca-trust.p12";
  for (size_t i = 0; i < blocks.size(); ++i) {
    const std::string alias = "ca-" + std::to_string(i + 1);
    const std::filesystem::path pem = folder / (alias + ".pem");
    if (!(std::ofstream(pem, std::ios::binary) << blocks[i])) {
      return Status::Failure("cannot write " + pem.string() + " to make the JDBC trust store");
    }
    ProcessSpec import;
    import.argv = {keytool, "-importcert", "-noprompt", "-alias", alias, "-file", pem.string(),
                   "-keystore", store.string(), "-storetype", "PKCS12", "-storepass", kTrustStorePassword};
    import.log_file = (folder / "keytool.log").string();
    SICOOP_ASSIGN_OR_RETURN(int exit_code, RunProcess(import));
    if (exit_code != 0) {
      return Status::Failure("keytool could not import certificate " + std::to_string(i + 1) + " of " + ca_file +
                             " into the JDBC trust store (exit " + std::to_string(exit_code) +
                             "): " + TailOfFile(import.log_file, 3));
    }
  }
  trust.path_ = store;
  return trust;
}

JdbcTrustStore::JdbcTrustStore(JdbcTrustStore&& other) noexcept
    : folder_(std::exchange(other.folder_, {})), path_(std::exchange(other.path_, {})) {}

JdbcTrustStore::~JdbcTrustStore() {
  if (folder_.empty()) return;
  std::error_code ignored;  // a leftover holds public certificates only
  std::filesystem::remove_all(folder_, ignored);
}

}  // namespace sicoop::db
