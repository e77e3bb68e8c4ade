#include "pipeline/csv_destination.h"

namespace sicoop::pipeline {
namespace {

class LocalStaging : public CsvStaging {
 public:
  LocalStaging(StagingDir staging, std::filesystem::path target)
      : staging_(std::move(staging)), target_(std::move(target)) {}

  std::string PartsUri() const override {
    std::error_code error;
    const std::filesystem::path absolute = std::filesystem::absolute(staging_.parts(), error);
    return error ? staging_.parts().string() : absolute.string();
  }
  std::optional<std::filesystem::path> LocalParts() const override { return staging_.parts(); }
  Result<int64_t> Publish(const std::string& header, CsvPreset preset, int64_t expected_records) override {
    return PublishCsv(staging_, header, preset, target_, expected_records);
  }

 private:
  StagingDir staging_;
  std::filesystem::path target_;
};

class LocalDestination : public CsvDestination {
 public:
  explicit LocalDestination(FolderLock lock) : lock_(std::move(lock)) {}

  const std::string& run_id() const override { return lock_.run_id(); }
  std::string FileName() const override { return (lock_.dir() / kFlatFileName).string(); }
  Result<std::unique_ptr<CsvStaging>> Stage() override {
    SICOOP_ASSIGN_OR_RETURN(StagingDir staging, StagingDir::Create(lock_));
    return std::unique_ptr<CsvStaging>(std::make_unique<LocalStaging>(std::move(staging), lock_.dir() / kFlatFileName));
  }
  std::filesystem::path RunFolder(const std::string& purpose) const override {
    return pipeline::RunFolder(lock_, purpose);
  }

 private:
  FolderLock lock_;
};

}  // namespace

std::unique_ptr<CsvDestination> LocalCsvDestination(FolderLock lock) {
  return std::make_unique<LocalDestination>(std::move(lock));
}

}  // namespace sicoop::pipeline
