#include "lake/run_manifest.h"

#include <ctime>

#include "common/json.h"

namespace sicoop::lake {
namespace {

std::string UtcText(std::chrono::system_clock::time_point at, const char* format) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::strftime(text, sizeof(text), format, &utc);
  return text;
}

constexpr const char* kManifestFolder = "_sicoop/runs";

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

std::string GoldJson(const GoldSummary& gold) {
  std::string tables;
  for (const auto& [name, table] : gold.tables) {
    std::string months;
    for (const std::string& month : table.months) months += (months.empty() ? "" : ",") + JsonString(month);
    tables += (tables.empty() ? "" : ",") + JsonString(name) + ":{\"mode\":" + JsonString(table.mode) + ",\"months\":[" +
              months + "],\"rows\":" + std::to_string(table.rows) +
              ",\"snapshot_id\":" + (table.snapshot_id.empty() ? "null" : JsonString(table.snapshot_id)) + "}";
  }
  return "{\"curated_snapshot_id\":" +
         (gold.curated_snapshot_id.empty() ? std::string("null") : JsonString(gold.curated_snapshot_id)) +
         ",\"tables\":{" + tables + "}}";
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
         ",\"build\":" + (record.build ? BuildJson(*record.build) : "null") +
         ",\"gold\":" + (record.gold ? GoldJson(*record.gold) : "null") + ",\"export\":" +
         (record.exported ? "{\"file\":" + JsonString(record.exported->file) +
                                ",\"rows\":" + std::to_string(record.exported->rows) + "}"
                          : "null") +
         ",\"seconds\":{" + seconds + "}}\n";
}

std::string ManifestName(const RunRecord& record) {
  return std::string(kManifestFolder) + "/" + UtcText(record.started_at, "%Y%m%dT%H%M%SZ") + "-" + record.run_id +
         ".json";
}

Result<std::string> WriteManifest(storage::SmallFiles& lake, const RunRecord& record) {
  const std::string name = ManifestName(record);
  Status written = lake.WriteWhole(name, ManifestJson(record));
  if (!written.ok()) return written.WithContext("cannot write the run manifest " + lake.Describe(name));
  return lake.Describe(name);
}

Result<std::vector<std::string>> Manifests(storage::SmallFiles& lake) {
  SICOOP_ASSIGN_OR_RETURN(std::vector<std::string> names, lake.List(kManifestFolder, ".json"));
  for (std::string& name : names) name = std::string(kManifestFolder) + "/" + name;
  return names;
}

}  // namespace sicoop::lake
