// MySQL Connector/J verifies a server against a Java key store and reads no PEM file (its
// trustCertificateKeyStoreType takes the JVM's key store types: JKS, PKCS12). A URL's ssl-ca is a
// PEM file, as MySQL's and MariaDB's own clients want it, so for the JDBC read the run makes a PKCS12
// trust store of the same certificates with the JDK's keytool, in a folder Spark can read.
#pragma once

#include <filesystem>
#include <string>

#include "common/status.h"

namespace sicoop::db {

// The trust store's password. It holds public certificates only, so the password guards nothing
// secret (and may appear in the JDBC URL); keytool and PKCS12 just need one.
inline constexpr const char* kTrustStorePassword = "sicoop-public-certificates";

// A PKCS12 trust store with every certificate of a PEM file, in a folder of its own that goes away
// with it. Move-only.
class JdbcTrustStore {
 public:
  // Makes the folder `folder_path`, which must not exist (readable by all: the certificates are public, and Spark's
  // executors may run as another user) and fills the store with `keytool` (a path). Fails, naming
  // the file, when it cannot be read, holds no certificate, or keytool refuses one.
  static Result<JdbcTrustStore> Make(const std::string& ca_file, const std::filesystem::path& folder_path,
                                     const std::string& keytool);

  JdbcTrustStore(JdbcTrustStore&& other) noexcept;
  JdbcTrustStore& operator=(JdbcTrustStore&& other) = delete;
  JdbcTrustStore(const JdbcTrustStore&) = delete;
  JdbcTrustStore& operator=(const JdbcTrustStore&) = delete;
  ~JdbcTrustStore();

  const std::filesystem::path& path() const { return path_; }

 private:
  JdbcTrustStore() = default;
  std::filesystem::path folder_, path_;
};

}  // namespace sicoop::db
