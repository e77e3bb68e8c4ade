#include "storage/object_join.h"

#include <algorithm>

namespace sicoop::storage {
namespace {

// JoinObjectsThrough sends a part once this much transformed output has gathered.
constexpr size_t kStreamPartBytes = size_t{8} << 20;

Status TooManyParts(int64_t head_size, const std::vector<int64_t>& sizes) {
  int64_t total = head_size;
  for (int64_t size : sizes) total += size;
  return Status::Failure("joining a header and " + std::to_string(sizes.size()) + " part objects (" +
                         std::to_string(total) + " bytes) into one object takes more than S3's " +
                         std::to_string(kMaxParts) + " multipart parts: each part object of 5 MiB to 5 GiB is " +
                         "one part, a larger one a part per 8 to 16 MiB; write fewer part files, none over 5 GiB");
}

// The upload's life: started, its parts written by `write_parts` (which returns their ETags),
// `before_complete` run, completed, and its size checked; aborted on any failure, so that nothing
// appears under `key`.
Result<int64_t> InOneUpload(S3Client& client, const std::string& bucket, const std::string& key,
                            const std::function<Result<std::vector<std::string>>(const std::string&)>& write_parts,
                            const std::function<int64_t()>& written, const BeforeComplete& before_complete) {
  SICOOP_ASSIGN_OR_RETURN(std::string upload_id, client.StartUpload(bucket, key));
  Result<std::vector<std::string>> etags = write_parts(upload_id);
  Status status = etags.status();
  if (status.ok() && before_complete) status = before_complete();
  if (status.ok()) status = client.CompleteUpload(bucket, key, upload_id, *etags);
  if (!status.ok()) {
    Status aborted = client.AbortUpload(bucket, key, upload_id);
    if (!aborted.ok()) {
      return Status::Failure(status.message() + "; aborting the upload failed too (" + aborted.message() +
                                 "); the next run aborts it",
                             status.reason());
    }
    return status;
  }
  SICOOP_ASSIGN_OR_RETURN(std::vector<ObjectInfo> listed, client.List(bucket, key));
  int64_t expected = written();
  for (const ObjectInfo& object : listed) {
    if (object.key != key) continue;
    if (object.size == expected) return expected;
    return Status::Failure("s3a://" + bucket + "/" + key + " holds " + std::to_string(object.size) +
                           " bytes after its upload, not the " + std::to_string(expected) + " written");
  }
  return Status::Failure("s3a://" + bucket + "/" + key + " is not listed after its upload completed");
}

}  // namespace

int64_t PlannedPart::size() const {
  int64_t total = 0;
  for (const Piece& piece : pieces) total += piece.length;
  return total;
}

Result<std::vector<PlannedPart>> PlanJoin(int64_t head_size, const std::vector<int64_t>& sizes) {
  std::vector<PlannedPart> plan;
  // Bytes not in a part yet, less than kMinPartBytes in all: too few to end a part that is not the
  // last, and a copy cannot take them along.
  PlannedPart pending;
  if (head_size > 0) pending.pieces.push_back(Piece{-1, 0, head_size});
  for (int source = 0; source < static_cast<int>(sizes.size()); ++source) {
    int64_t size = sizes[source];
    if (size == 0) continue;
    if (pending.pieces.empty() && size >= kMinPartBytes && size <= kMaxCopyBytes) {
      if (plan.size() == static_cast<size_t>(kMaxParts)) return TooManyParts(head_size, sizes);
      plan.push_back(PlannedPart{true, {Piece{source, 0, size}}});
      continue;
    }
    int64_t before = pending.size();
    int64_t total = before + size;
    if (total < kMinPartBytes) {
      pending.pieces.push_back(Piece{source, 0, size});
      continue;
    }
    // Part i holds bytes [total * i / count, total * (i + 1) / count) of the pending bytes followed
    // by this object: the first takes all that was pending, the last ends at the object's end.
    int64_t count = std::max<int64_t>(1, total / kUploadPartBytes);
    if (static_cast<int64_t>(plan.size()) + count > kMaxParts) return TooManyParts(head_size, sizes);
    for (int64_t i = 0; i < count; ++i) {
      int64_t start = std::max<int64_t>(0, total * i / count - before);
      int64_t end = total * (i + 1) / count - before;
      PlannedPart part = i == 0 ? std::move(pending) : PlannedPart{};
      part.pieces.push_back(Piece{source, start, end - start});
      plan.push_back(std::move(part));
    }
    pending = PlannedPart{};
  }
  if (!pending.pieces.empty()) {
    if (plan.size() == static_cast<size_t>(kMaxParts)) return TooManyParts(head_size, sizes);
    plan.push_back(std::move(pending));
  }
  return plan;
}

Result<int64_t> JoinObjects(S3Client& client, const std::string& bucket, const std::string& head,
                            const std::vector<ObjectInfo>& parts, const std::string& target_key,
                            const BeforeComplete& before_complete) {
  std::vector<int64_t> sizes;
  int64_t total = static_cast<int64_t>(head.size());
  for (const ObjectInfo& part : parts) {
    sizes.push_back(part.size);
    total += part.size;
  }
  SICOOP_ASSIGN_OR_RETURN(std::vector<PlannedPart> plan, PlanJoin(static_cast<int64_t>(head.size()), sizes));
  if (plan.empty()) {
    if (before_complete) SICOOP_RETURN_IF_ERROR(before_complete());
    SICOOP_RETURN_IF_ERROR(client.Put(bucket, target_key, "").status());
    return int64_t{0};
  }
  auto write_parts = [&](const std::string& upload_id) -> Result<std::vector<std::string>> {
    std::vector<std::string> etags;
    std::string buffer;
    for (const PlannedPart& part : plan) {
      int number = static_cast<int>(etags.size()) + 1;
      if (part.copy) {
        const Piece& piece = part.pieces.front();
        SICOOP_ASSIGN_OR_RETURN(std::string etag,
                                client.CopyPart(bucket, target_key, upload_id, number, parts[piece.source].key));
        etags.push_back(std::move(etag));
        continue;
      }
      buffer.clear();
      for (const Piece& piece : part.pieces) {
        if (piece.source < 0) {
          buffer.append(head, static_cast<size_t>(piece.offset), static_cast<size_t>(piece.length));
          continue;
        }
        SICOOP_RETURN_IF_ERROR(client.Get(bucket, parts[piece.source].key, piece.offset, piece.length,
                                          [&](std::string_view chunk) {
                                            buffer.append(chunk);
                                            return true;
                                          }));
      }
      SICOOP_ASSIGN_OR_RETURN(std::string etag, client.UploadPart(bucket, target_key, upload_id, number, buffer));
      etags.push_back(std::move(etag));
    }
    return etags;
  };
  return InOneUpload(client, bucket, target_key, write_parts, [&] { return total; }, before_complete);
}

Result<int64_t> JoinObjectsThrough(S3Client& client, const std::string& bucket, const std::string& head,
                                   const std::vector<ObjectInfo>& parts, const std::string& target_key,
                                   const ChunkTransform& transform, const BeforeComplete& before_complete) {
  int64_t written = 0;
  auto write_parts = [&](const std::string& upload_id) -> Result<std::vector<std::string>> {
    std::vector<std::string> etags;
    std::string buffer = head;
    auto send = [&]() -> Status {
      if (static_cast<int>(etags.size()) == kMaxParts) {
        return Status::Failure("the transformed s3a://" + bucket + "/" + target_key + " needs more than " +
                               std::to_string(kMaxParts) + " parts of " + std::to_string(kStreamPartBytes >> 20) + " MiB");
      }
      SICOOP_ASSIGN_OR_RETURN(std::string etag, client.UploadPart(bucket, target_key, upload_id,
                                                                  static_cast<int>(etags.size()) + 1, buffer));
      etags.push_back(std::move(etag));
      written += static_cast<int64_t>(buffer.size());
      buffer.clear();
      return Status::Ok();
    };
    for (const ObjectInfo& part : parts) {
      // A part's upload cannot run inside the sink (one connection at a time), so the sink stops
      // the download when a part is full and the rest is fetched from there.
      int64_t offset = 0;
      while (offset < part.size) {
        int64_t read = 0;
        Status got = client.Get(bucket, part.key, offset, part.size - offset, [&](std::string_view chunk) {
          transform(chunk, buffer);
          read += static_cast<int64_t>(chunk.size());
          return buffer.size() < kStreamPartBytes;
        });
        offset += read;
        if (buffer.size() >= kStreamPartBytes) {
          SICOOP_RETURN_IF_ERROR(send());
        } else {
          SICOOP_RETURN_IF_ERROR(got);
        }
      }
    }
    if (!buffer.empty() || etags.empty()) SICOOP_RETURN_IF_ERROR(send());
    return etags;
  };
  return InOneUpload(client, bucket, target_key, write_parts, [&] { return written; }, before_complete);
}

Result<int> AbortUploads(S3Client& client, const std::string& bucket, const std::string& key) {
  SICOOP_ASSIGN_OR_RETURN(auto uploads, client.ListUploads(bucket, key));
  int aborted = 0;
  for (const auto& [upload_key, upload_id] : uploads) {
    if (upload_key != key) continue;
    SICOOP_RETURN_IF_ERROR(client.AbortUpload(bucket, key, upload_id));
    ++aborted;
  }
  return aborted;
}

}  // namespace sicoop::storage
