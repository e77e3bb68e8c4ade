// The record every lake run leaves in the lake (docs/lake.md, "Run manifests"): one JSON document
// per run in LAKE/_sicoop/runs/, named by its start time and run id, with what the run read, wrote
// and committed — tables, snapshot ids, the watermark before and after, rows per table, sums,
// movimentos the join dropped and why, durations — or the error that stopped it.
// Schema: docs/schemas/lake-run.schema.json.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "lake/curated_build.h"
#include "lake/gold_build.h"
#include "lake/raw_ingest.h"
#include "storage/small_files.h"

namespace sicoop::lake {

struct ExportRecord {
  std::string file;  // a path or an s3a:// URI
  int64_t rows = 0;
};

struct RunRecord {
  std::string run_id;
  std::string command;  // "etl --lake", "lake ingest", ...
  std::chrono::system_clock::time_point started_at;
  std::string lake;     // the location, as given
  std::string source;   // the database URL, its password left out; empty when the run read none
  std::optional<IngestSummary> ingest;
  std::optional<BuildSummary> build;
  std::optional<GoldSummary> gold;
  std::optional<ExportRecord> exported;
  std::map<std::string, double> seconds;  // per phase: start, ingest, build, export
  std::string error;    // empty when the run succeeded
};

// The manifest of `record` as one line of JSON.
std::string ManifestJson(const RunRecord& record);

// The manifest's name among the lake's files: _sicoop/runs/<UTC start time>-<run id>.json.
std::string ManifestName(const RunRecord& record);

// Writes the manifest into _sicoop/runs/ of the lake's files (whole) and returns where, as people
// read it.
Result<std::string> WriteManifest(storage::SmallFiles& lake, const RunRecord& record);

// The manifests in _sicoop/runs/ of the lake's files (names relative to the lake, for
// SmallFiles::Read), oldest first (their names start with the run's UTC start time); none when the
// folder is missing. A manifest being written is not listed.
Result<std::vector<std::string>> Manifests(storage::SmallFiles& lake);

}  // namespace sicoop::lake
