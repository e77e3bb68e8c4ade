// A small S3 client for what sicoop itself does on object storage (Spark moves the data through its
// S3A connector): publish movimento_flat.csv as one object (a multipart upload joining Spark's part
// objects, object_join.h), keep the lake's lock (object_lock.h) and its run manifests, remove a
// run's staging prefix. Requests go through libcurl and are signed by libcurl's own AWS Signature V4
// (CURLOPT_AWS_SIGV4), not by a signer of sicoop's.
// Errors name the operation, bucket, key and endpoint and S3's error code, never a secret.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/s3_settings.h"

namespace sicoop::storage {

struct ObjectInfo {
  std::string key;
  int64_t size = 0;
  std::string etag;  // with its quotes, as S3 sends it
};

// What a GET or HEAD of an object also tells: its ETag, its age on the server's own clock (the
// response's Date minus Last-Modified, so that no local clock is involved).
struct ObjectVersion {
  std::string etag;
  int64_t age_seconds = 0;
};

// A PUT's or DELETE's precondition: none, "only if no object has that key" (If-None-Match: *), or
// "only if the object's ETag is this" (If-Match). A failed precondition is Status::Reason kConflict.
struct Condition {
  enum class Kind { kNone, kIfAbsent, kIfMatch } kind = Kind::kNone;
  std::string etag;
  static Condition None() { return {}; }
  static Condition IfAbsent() { return {Kind::kIfAbsent, {}}; }
  static Condition IfMatch(std::string etag) { return {Kind::kIfMatch, std::move(etag)}; }
};

class S3Client {
 public:
  // Resolves the credentials (s3_settings.h) and prepares a client. Fails when no credentials can
  // be found, saying where they were looked for.
  static Result<std::unique_ptr<S3Client>> Create(const S3Settings& settings);
  virtual ~S3Client() = default;

  // Checks that `bucket` exists and these credentials may list the keys under `prefix` ("" for the
  // whole bucket): a policy that grants only a prefix passes. The message of a failure names the
  // bucket, the endpoint and, for refused credentials, which variable to check.
  virtual Status CheckBucket(const std::string& bucket, const std::string& prefix) = 0;

  // Every object whose key starts with `prefix`, in key order (all pages).
  virtual Result<std::vector<ObjectInfo>> List(const std::string& bucket, const std::string& prefix) = 0;

  // The object's bytes [offset, offset + length) (length < 0: to the end), handed to `sink` in
  // chunks as they arrive; a sink returning false aborts the transfer (failure).
  virtual Status Get(const std::string& bucket, const std::string& key, int64_t offset, int64_t length,
                     const std::function<bool(std::string_view)>& sink) = 0;
  // The whole object, for small objects (manifests, locks). Reason kNotFound when absent.
  virtual Result<std::string> GetSmall(const std::string& bucket, const std::string& key,
                                       ObjectVersion* version = nullptr) = 0;

  // Writes `body` as the object `key` under `condition`; returns the new ETag.
  virtual Result<std::string> Put(const std::string& bucket, const std::string& key, std::string_view body,
                                  const Condition& condition = Condition::None()) = 0;
  // Removes the object (absent is fine unless a condition is given).
  virtual Status Delete(const std::string& bucket, const std::string& key,
                        const Condition& condition = Condition::None()) = 0;
  // Removes every object under `prefix`; returns how many.
  virtual Result<int64_t> DeletePrefix(const std::string& bucket, const std::string& prefix) = 0;

  // Multipart upload: parts are numbered from 1; every part but the last must be at least 5 MiB.
  virtual Result<std::string> StartUpload(const std::string& bucket, const std::string& key) = 0;
  // Returns the part's ETag.
  virtual Result<std::string> UploadPart(const std::string& bucket, const std::string& key,
                                         const std::string& upload_id, int part_number, std::string_view body) = 0;
  // A part copied on the server from the whole object `source_key` (UploadPartCopy, 5 MiB to 5 GiB):
  // its bytes never travel through sicoop. Whole objects only: a byte range would need the header
  // x-amz-copy-source-range, which libcurl before 8.10 signs in the wrong order (S3 refuses it).
  // Returns the part's ETag.
  virtual Result<std::string> CopyPart(const std::string& bucket, const std::string& key,
                                       const std::string& upload_id, int part_number,
                                       const std::string& source_key) = 0;
  // Makes the object appear whole, from the parts' ETags in part-number order.
  virtual Status CompleteUpload(const std::string& bucket, const std::string& key, const std::string& upload_id,
                                const std::vector<std::string>& part_etags) = 0;
  virtual Status AbortUpload(const std::string& bucket, const std::string& key, const std::string& upload_id) = 0;
  // The ids of the unfinished uploads of keys starting with `prefix` (left by killed runs), as
  // (key, upload id) pairs.
  virtual Result<std::vector<std::pair<std::string, std::string>>> ListUploads(const std::string& bucket,
                                                                             const std::string& prefix) = 0;
};

}  // namespace sicoop::storage
