#include "lake/run_manifest.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>

#include "common/json.h"

namespace sicoop::lake {
namespace {

namespace fs = std::filesystem;

std::string UtcText(std::chrono::system_clock::time_point at, const char* format) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::strftime(text, sizeof(text), format, &utc);
  return text;
}

fs::path ManifestFolder(const fs::path& lake) { return lake / "_sicoop" / "runs"; }

std::string OptionalNumber(const std::optional<int64_t>& value) {
  return value ? std::to_string(*value) : "null";
}

std::string IngestJson(const IngestSummary& ingest) {
  std::string tables;
  for (const auto& [name, table] : ingest.tables) {
    tables += (tables.empty() ? "" : ",") + JsonString(name) + ":{\"source_rows\":" + std::to_string(table.source_rows) +
              ",\"rows_added\":" + std::to_string(table.rows_added) +
              ",\"rows_inserted\":" + std::to_string(table.rows_inserted) +
              ",\"rows_updated\":" + std::to_string(table.rows_updated) +
              ",\"rows_deleted\":" + std::to_string(table.rows_deleted) +
              ",\"rows_in_lake\":" + std::to_string(table.rows_in_lake) +
              ",\"snapshot_id\":" + (table.snapshot_id.empty() ? "null" : JsonString(table.snapshot_id)) + "}";
  }
  std::string added;
  for (const std::string& column : ingest.columns_added) added += (added.empty() ? "" : ",") + JsonString(column);
  return "{\"watermark_before\":" + OptionalNumber(ingest.watermark_before) +
         ",\"watermark_after\":" + OptionalNumber(ingest.watermark_after) +
         ",\"read_from_id\":" + std::to_string(ingest.read_from_id) + ",\"tables\":{" + tables +
         "},\"columns_added\":[" + added + "],\"warning\":" +
         (ingest.warning.empty() ? "null" : JsonString(ingest.warning)) + "}";
}

std::string BuildJson(const BuildSummary& build) {
  return "{\"mode\":" + JsonString(build.mode) + ",\"raw_movimentos\":" + std::to_string(build.raw_movimentos) + ",\"rows\":" + std::to_string(build.rows) +
         ",\"raw_amount\":" + JsonString(build.raw_amount) + ",\"amount\":" + JsonString(build.amount) +
         ",\"dropped_by_join\":{\"no_cartao\":" + std::to_string(build.dropped_no_cartao) +
         ",\"no_conta\":" + std::to_string(build.dropped_no_conta) +
         ",\"no_associado\":" + std::to_string(build.dropped_no_associado) +
         "},\"snapshot_id\":" + (build.snapshot_id.empty() ? "null" : JsonString(build.snapshot_id)) + "}";
}

}  // namespace

std::string ManifestJson(const RunRecord& record) {
  std::string seconds;
  for (const auto& [phase, value] : record.seconds) seconds += (seconds.empty() ? "" : ",") + JsonString(phase) + ":" + JsonSeconds(value);
  return "{\"schema_version\":1,\"run_id\":" + JsonString(record.run_id) + ",\"command\":" + JsonString(record.command) +
         ",\"started_at\":" + JsonString(UtcText(record.started_at, "%Y-%m-%dT%H:%M:%SZ")) +
         ",\"status\":" + JsonString(record.error.empty() ? "succeeded" : "failed") +
         ",\"error\":" + (record.error.empty() ? "null" : JsonString(record.error)) +
         ",\"lake\":" + JsonString(record.lake) + ",\"source\":" + (record.source.empty() ? "null" : JsonString(record.source)) +
         ",\"ingest\":" + (record.ingest ? IngestJson(*record.ingest) : "null") +
         ",\"build\":" + (record.build ? BuildJson(*record.build) : "null") + ",\"export\":" +
         (record.exported ? "{\"file\":" + JsonString(record.exported->file.string()) +
                                ",\"rows\":" + std::to_string(record.exported->rows) + "}"
                          : "null") +
         ",\"seconds\":{" + seconds + "}}\n";
}

Result<fs::path> WriteManifest(const fs::path& lake, const RunRecord& record) {
  const fs::path folder = ManifestFolder(lake);
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) return Status::Failure("cannot create the folder of run manifests " + folder.string() + ": " + error.message());
  const fs::path target = folder / (UtcText(record.started_at, "%Y%m%dT%H%M%SZ") + "-" + record.run_id + ".json");
  const fs::path aside = folder / ("." + target.filename().string() + ".tmp");
  const std::string text = ManifestJson(record);
  const int fd = ::open(aside.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  bool written = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  const int saved = errno;
  if (fd >= 0) written = ::close(fd) == 0 && written;
  if (!written || ::rename(aside.c_str(), target.c_str()) != 0) {
    const std::string reason = std::strerror(written ? errno : saved);
    fs::remove(aside, error);
    return Status::Failure("cannot write the run manifest " + target.string() + ": " + reason);
  }
  return target;
}

Result<std::vector<fs::path>> Manifests(const fs::path& lake) {
  const fs::path folder = ManifestFolder(lake);
  std::vector<fs::path> manifests;
  std::error_code error;
  if (!fs::exists(folder, error)) return manifests;
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (name.front() != '.' && it->path().extension() == ".json") manifests.push_back(it->path());
  }
  if (error) return Status::Failure("cannot list the run manifests in " + folder.string() + ": " + error.message());
  std::sort(manifests.begin(), manifests.end());
  return manifests;
}

}  // namespace sicoop::lake
