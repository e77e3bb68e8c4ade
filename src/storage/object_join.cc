#include "storage/object_join.h"

namespace sicoop::storage {
namespace {

// JoinObjectsThrough sends a part once this much transformed output has gathered.
constexpr size_t kStreamPartBytes = size_t{8} << 20;

// Adds `piece` to the uploaded part being gathered, and sends that part to the plan once it is
// big enough to be followed by others.
void Gather(const Piece& piece, PlannedPart& pending, std::vector<PlannedPart>& plan) {
  pending.pieces.push_back(piece);
  if (pending.size() >= kMinPartBytes) {
    plan.push_back(std::move(pending));
    pending = PlannedPart{};
  }
}

// Copy parts for [offset, offset + length) of `source`, cut into near-equal ranges of at most
// kMaxCopyBytes (each then at least kMinPartBytes, as length is).
void AddCopies(int source, int64_t offset, int64_t length, std::vector<PlannedPart>& plan) {
  int64_t count = (length + kMaxCopyBytes - 1) / kMaxCopyBytes;
  for (int64_t i = 0; i < count; ++i) {
    int64_t start = offset + length * i / count;
    int64_t end = offset + length * (i + 1) / count;
    plan.push_back(PlannedPart{true, {Piece{source, start, end - start}}});
  }
}

// The upload's life: started, its parts written by `write_parts` (which returns their ETags),
// completed, and its size checked; aborted on any failure, so that nothing appears under `key`.
Result<int64_t> InOneUpload(S3Client& client, const std::string& bucket, const std::string& key,
                            const std::function<Result<std::vector<std::string>>(const std::string&)>& write_parts,
                            const std::function<int64_t()>& written) {
  SICOOP_ASSIGN_OR_RETURN(std::string upload_id, client.StartUpload(bucket, key));
  Result<std::vector<std::string>> etags = write_parts(upload_id);
  Status status = etags.ok() ? client.CompleteUpload(bucket, key, upload_id, *etags) : etags.status();
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
  PlannedPart pending;
  if (head_size > 0) Gather(Piece{-1, 0, head_size}, pending, plan);
  for (int source = 0; source < static_cast<int>(sizes.size()); ++source) {
    int64_t size = sizes[source];
    if (size == 0) continue;
    int64_t fill = pending.pieces.empty() ? 0 : kMinPartBytes - pending.size();
    if (size - fill < kMinPartBytes) {
      // Too small to copy (once the pending part is filled up): downloaded whole.
      Gather(Piece{source, 0, size}, pending, plan);
      continue;
    }
    if (fill > 0) Gather(Piece{source, 0, fill}, pending, plan);
    AddCopies(source, fill, size - fill, plan);
  }
  if (!pending.pieces.empty()) plan.push_back(std::move(pending));
  if (plan.size() > static_cast<size_t>(kMaxParts)) {
    return Status::Failure("joining " + std::to_string(sizes.size()) + " objects would take " +
                           std::to_string(plan.size()) + " multipart parts, more than S3's " +
                           std::to_string(kMaxParts) + ": write fewer, larger part files");
  }
  return plan;
}

Result<int64_t> JoinObjects(S3Client& client, const std::string& bucket, const std::string& head,
                            const std::vector<ObjectInfo>& parts, const std::string& target_key) {
  std::vector<int64_t> sizes;
  int64_t total = static_cast<int64_t>(head.size());
  for (const ObjectInfo& part : parts) {
    sizes.push_back(part.size);
    total += part.size;
  }
  SICOOP_ASSIGN_OR_RETURN(std::vector<PlannedPart> plan, PlanJoin(static_cast<int64_t>(head.size()), sizes));
  if (plan.empty()) {
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
        SICOOP_ASSIGN_OR_RETURN(std::string etag, client.CopyPart(bucket, target_key, upload_id, number,
                                                                  parts[piece.source].key, piece.offset, piece.length));
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
  return InOneUpload(client, bucket, target_key, write_parts, [&] { return total; });
}

Result<int64_t> JoinObjectsThrough(S3Client& client, const std::string& bucket, const std::string& head,
                                   const std::vector<ObjectInfo>& parts, const std::string& target_key,
                                   const ChunkTransform& transform) {
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
  return InOneUpload(client, bucket, target_key, write_parts, [&] { return written; });
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
