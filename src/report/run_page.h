// A lake run's HTML page, written beside its manifest as _sicoop/runs/<same name>.html
// (docs/reports.md): the run's status and error, the rows per table, the reconciliation of raw and
// curated (rows and sums), the movimentos the join dropped and why, the durations, and a bar chart
// of the movimentos the run ingested per day. One self-contained HTML5 file, like the member page.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lake/run_figures.h"
#include "lake/run_manifest.h"

namespace sicoop::report {

// The movimentos per day the page charts: none for a run without an ingest; for one with, the days
// (lake::MovimentosPerDayOfRun) or why they could not be counted.
struct RunDays {
  std::optional<std::vector<lake::DayCount>> days;
  std::string error;
};

// The page, UTF-8, with every text from the record escaped.
std::string RunPageHtml(const lake::RunRecord& record, const RunDays& per_day);

// The page's name beside the manifest `manifest_name` ("..../X.json" -> "..../X.html").
std::string RunPageName(const std::string& manifest_name);

}  // namespace sicoop::report
