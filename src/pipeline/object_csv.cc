#include "pipeline/object_csv.h"

#include <algorithm>

#include "storage/object_join.h"
#include "storage/object_lock.h"

namespace sicoop::pipeline {
namespace {

// Spark's part objects in `folder` (a key prefix ending in '/'), in name order, which is its
// partition order; its markers (_SUCCESS) and anything in subfolders (_temporary) left out.
Result<std::vector<storage::ObjectInfo>> PartObjects(storage::S3Client& client, const std::string& bucket,
                                                     const std::string& folder) {
  SICOOP_ASSIGN_OR_RETURN(std::vector<storage::ObjectInfo> objects, client.List(bucket, folder));
  std::vector<storage::ObjectInfo> parts;
  for (storage::ObjectInfo& object : objects) {
    const std::string name = object.key.substr(folder.size());
    if (name.rfind("part-", 0) == 0 && name.find('/') == std::string::npos) parts.push_back(std::move(object));
  }
  std::sort(parts.begin(), parts.end(),
            [](const storage::ObjectInfo& a, const storage::ObjectInfo& b) { return a.key < b.key; });
  return parts;
}

class ObjectStaging : public CsvStaging {
 public:
  ObjectStaging(std::shared_ptr<storage::S3Client> client, storage::ObjectPrefix prefix, std::string staging_key,
                const storage::RunLock& lock)
      : client_(std::move(client)), prefix_(std::move(prefix)), staging_key_(std::move(staging_key)), lock_(lock) {}
  ~ObjectStaging() override { (void)client_->DeletePrefix(prefix_.bucket, staging_key_ + "/"); }

  std::string PartsUri() const override { return "s3a://" + prefix_.bucket + "/" + PartsKey(); }
  std::optional<std::filesystem::path> LocalParts() const override { return std::nullopt; }

  Result<int64_t> Publish(const std::string& header, CsvPreset preset, int64_t expected_records) override {
    SICOOP_ASSIGN_OR_RETURN(std::vector<storage::ObjectInfo> parts, PartObjects(*client_, prefix_.bucket, PartsKey() + "/"));
    const std::string target = prefix_.Key(kFlatFileName);
    const std::string first_line = (preset == CsvPreset::kExcelBr ? "\xEF\xBB\xBF" : "") + header + LineEnd(preset);
    // A run frozen past its lease may have lost the prefix to another run: it must not publish.
    auto still_locked = [this] { return lock_.Check(); };
    if (preset == CsvPreset::kDefault) {
      // The bytes are copied on the server and never read here: the records are Spark's count of
      // what it wrote, and the join checks the object's size against the parts it listed.
      SICOOP_RETURN_IF_ERROR(storage::JoinObjects(*client_, prefix_.bucket, first_line, parts, target, still_locked).status());
      return expected_records;
    }
    CsvRecordCounter counter;
    auto crlf = [&counter](std::string_view in, std::string& out) { counter.FeedEndingRecordsWithCrLf(in, out); };
    auto checked = [&]() -> Status {
      if (counter.records() != expected_records) {
        return Status::Failure("the part objects under " + PartsUri() + " hold " + std::to_string(counter.records()) +
                               " rows, but Spark counted " + std::to_string(expected_records) + " as it wrote them: " +
                               prefix_.UriOf(kFlatFileName) + " was not replaced: run again");
      }
      return still_locked();
    };
    SICOOP_RETURN_IF_ERROR(storage::JoinObjectsThrough(*client_, prefix_.bucket, first_line, parts, target, crlf, checked).status());
    return counter.records();
  }

 private:
  std::string PartsKey() const { return staging_key_ + "/parts"; }

  std::shared_ptr<storage::S3Client> client_;
  storage::ObjectPrefix prefix_;
  std::string staging_key_;
  const storage::RunLock& lock_;
};

class ObjectDestination : public CsvDestination {
 public:
  ObjectDestination(std::shared_ptr<storage::S3Client> client, storage::ObjectPrefix prefix,
                    std::unique_ptr<storage::ObjectLock> lock)
      : client_(std::move(client)), prefix_(std::move(prefix)), lock_(std::move(lock)) {}

  const std::string& run_id() const override { return lock_->run_id(); }
  std::string FileName() const override { return prefix_.UriOf(kFlatFileName); }

  Result<std::unique_ptr<CsvStaging>> Stage() override {
    // Holding the lock, every other staging prefix and unfinished upload belongs to a dead run.
    SICOOP_RETURN_IF_ERROR(client_->DeletePrefix(prefix_.bucket, prefix_.Key(kStagingPrefix)).status());
    SICOOP_RETURN_IF_ERROR(storage::AbortUploads(*client_, prefix_.bucket, prefix_.Key(kFlatFileName)).status());
    return std::unique_ptr<CsvStaging>(std::make_unique<ObjectStaging>(
        client_, prefix_, prefix_.Key(kStagingPrefix + run_id()), *lock_));
  }

  std::filesystem::path RunFolder(const std::string& purpose) const override {
    return storage::TemporaryRunFolder(run_id(), purpose);
  }

 private:
  std::shared_ptr<storage::S3Client> client_;
  storage::ObjectPrefix prefix_;
  std::unique_ptr<storage::ObjectLock> lock_;
};

}  // namespace

Result<std::unique_ptr<CsvDestination>> LockObjectCsvDestination(std::shared_ptr<storage::S3Client> client,
                                                                 std::unique_ptr<storage::S3Client> lock_client,
                                                                 const storage::ObjectPrefix& prefix) {
  SICOOP_ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectLock> lock,
                          storage::ObjectLock::Acquire(std::move(lock_client), prefix.bucket, prefix.prefix, kFlatLockName));
  return std::unique_ptr<CsvDestination>(std::make_unique<ObjectDestination>(std::move(client), prefix, std::move(lock)));
}

}  // namespace sicoop::pipeline
