#include "storage/small_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace sicoop::storage {
namespace {

namespace fs = std::filesystem;

class LocalFolderFiles : public SmallFiles {
 public:
  explicit LocalFolderFiles(fs::path folder) : folder_(std::move(folder)) {}

  Status WriteWhole(const std::string& name, std::string_view text) override {
    const fs::path target = folder_ / name;
    std::error_code error;
    fs::create_directories(target.parent_path(), error);
    if (error) return Status::Failure("cannot create the folder " + target.parent_path().string() + ": " + error.message());
    // Hidden, and named after this process: two runs writing the same name never share the file aside.
    const fs::path aside = target.parent_path() / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()));
    const int fd = ::open(aside.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    bool written = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    const int saved = errno;
    if (fd >= 0) written = ::close(fd) == 0 && written;
    if (!written || ::rename(aside.c_str(), target.c_str()) != 0) {
      const std::string reason = std::strerror(written ? errno : saved);
      fs::remove(aside, error);
      return Status::Failure("cannot write " + target.string() + ": " + reason);
    }
    return Status::Ok();
  }

  Result<std::vector<std::string>> List(const std::string& folder, const std::string& suffix) override {
    const fs::path path = folder_ / folder;
    std::vector<std::string> names;
    std::error_code error;
    if (!fs::exists(path, error)) return names;
    for (fs::directory_iterator it(path, error), end; !error && it != end; it.increment(error)) {
      const std::string name = it->path().filename().string();
      if (name.front() != '.' && name.size() >= suffix.size() && name.ends_with(suffix)) names.push_back(name);
    }
    if (error) return Status::Failure("cannot list " + path.string() + ": " + error.message());
    std::sort(names.begin(), names.end());
    return names;
  }

  Result<std::string> Read(const std::string& name) override {
    std::ifstream in(folder_ / name, std::ios::binary);
    if (!in) return Status::Failure("cannot read " + Describe(name) + ": " + std::strerror(errno), Status::Reason::kNotFound);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::string Describe(const std::string& name) const override { return (folder_ / name).string(); }

 private:
  fs::path folder_;
};

class ObjectPrefixFiles : public SmallFiles {
 public:
  ObjectPrefixFiles(std::shared_ptr<S3Client> client, ObjectPrefix prefix)
      : client_(std::move(client)), prefix_(std::move(prefix)) {}

  Status WriteWhole(const std::string& name, std::string_view text) override {
    return client_->Put(prefix_.bucket, prefix_.Key(name), text).status();
  }

  Result<std::vector<std::string>> List(const std::string& folder, const std::string& suffix) override {
    const std::string start = prefix_.Key(folder) + "/";
    SICOOP_ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, client_->List(prefix_.bucket, start));
    std::vector<std::string> names;
    for (const ObjectInfo& object : objects) {
      const std::string name = object.key.substr(start.size());
      if (!name.empty() && name.front() != '.' && name.find('/') == std::string::npos && name.ends_with(suffix)) {
        names.push_back(name);
      }
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  Result<std::string> Read(const std::string& name) override { return client_->GetSmall(prefix_.bucket, prefix_.Key(name)); }

  std::string Describe(const std::string& name) const override { return prefix_.UriOf(name); }

 private:
  std::shared_ptr<S3Client> client_;
  ObjectPrefix prefix_;
};

}  // namespace

std::unique_ptr<SmallFiles> LocalFiles(fs::path folder) { return std::make_unique<LocalFolderFiles>(std::move(folder)); }

std::unique_ptr<SmallFiles> ObjectFiles(std::shared_ptr<S3Client> client, ObjectPrefix prefix) {
  return std::make_unique<ObjectPrefixFiles>(std::move(client), std::move(prefix));
}

}  // namespace sicoop::storage
