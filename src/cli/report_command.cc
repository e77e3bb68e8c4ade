// sicoop report member|members: member reports as self-contained HTML files (docs/reports.md), read
// from the lake. They only read it, so they take no lock: every table is read at its current Iceberg
// snapshot, which a run writing the lake meanwhile never changes (it commits a new one), so a report
// sees each table either before or after that run's commit, never half of it.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include "cli/commands.h"
#include "cli/etl_run.h"
#include "cli/help_catalog.h"
#include "cli/lake_inspect_command.h"
#include "cli/lake_options.h"
#include "cli/options.h"
#include "cli/storage_access.h"
#include "lake/catalog.h"
#include "lake/gold_build.h"
#include "report/member_data.h"
#include "report/member_files.h"
#include "spark/progress.h"
#include "storage/location.h"

namespace sicoop::cli {
namespace {

namespace fs = std::filesystem;

std::vector<OptionSpec> WithReadingOptions(std::vector<OptionSpec> own) {
  return LakeCommandOptions(
      {"lake", "PATH", "the lake's folder, or s3a://BUCKET/PREFIX (or SICOOP_LAKE, or the profile's lake); only read", ""},
      std::move(own), /*json=*/"");
}

OptionSpec OutputOption() {
  return {"output", "DIR", "local folder for the HTML files; created when missing", "", /*required=*/true};
}

const CommandSpec& MemberSpec() {
  static const CommandSpec spec = {
      "sicoop report member --lake PATH --associado ID --output DIR [options]",
      "Writes one member's report for a period as one self-contained HTML file,\n"
      "DIR/associado-ID-PERIOD.html: the member, accounts and cards (masked), totals, spending by\n"
      "month and by category, the period's movimentos with refunds marked.",
      WithReadingOptions({
          {"associado", "ID", "the member's id (associado.id)", "", /*required=*/true},
          {"from", "YYYY-MM", "first month of the period; default: 11 months before --to", ""},
          {"to", "YYYY-MM", "last month of the period; default: the lake's last month", ""},
          OutputOption(),
      })};
  return spec;
}

const CommandSpec& MembersSpec() {
  static const CommandSpec spec = {
      "sicoop report members --lake PATH --month YYYY-MM --output DIR [options]",
      "Writes the report of every member with movimentos in the month, one file each\n"
      "(DIR/associado-ID-YYYY-MM.html), streamed from the lake member by member and written in parallel.",
      WithReadingOptions({
          {"month", "YYYY-MM", "the month", "", /*required=*/true},
          OutputOption(),
          {"jobs", "N", "threads that render and write the files; default: the number of cores", ""},
      })};
  return spec;
}

constexpr const char* kReportUsage =
    "usage: sicoop report member --lake PATH --associado ID --output DIR [options]\n"
    "       sicoop report members --lake PATH --month YYYY-MM --output DIR [options]\n"
    "'sicoop report COMMAND --help' describes the options.\n";

Result<std::string> MonthOption(const ParsedOptions& parsed, const std::string& name) {
  const std::string month = parsed.Get(name);
  if (!report::IsMonth(month)) {
    return Status::Usage("--" + name + " takes a month as YYYY-MM (2024-03), not '" + month + "'");
  }
  return month;
}

// The output folder: local (reports on S3 are not written yet), created when missing.
Result<fs::path> OutputFolder(const ParsedOptions& parsed) {
  SICOOP_ASSIGN_OR_RETURN(storage::Location output, storage::Location::Parse(parsed.Get("output"), "--output"));
  if (output.is_object()) {
    return Status::Usage("--output takes a local folder for reports: writing them to object storage is not "
                         "supported yet (copy the folder there afterwards)");
  }
  std::error_code error;
  fs::create_directories(output.path(), error);
  if (error || !fs::is_directory(output.path())) {
    return Status::Failure("cannot create the output folder " + output.path().string() + ": " +
                           (error ? error.message() : std::string("a file has that name")) +
                           ": check the path and its permissions");
  }
  return output.path();
}

std::string UtcNow() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S", &utc);
  return text;
}

// What a report run is, once its command line is read.
struct ReportRun {
  std::optional<int64_t> member;   // report member: the one member
  std::optional<std::string> from;  // nullopt: 11 months before `to`
  std::optional<std::string> to;    // nullopt: the lake's last month
  fs::path output;
  int jobs = 1;
};

std::string PeriodText(const report::Period& period) {
  return period.from == period.to ? period.from : "from " + period.from + " to " + period.to;
}

Status RunReports(ReportRun run, const ParsedOptions& parsed, const Environment& environment) {
  const auto started = std::chrono::steady_clock::now();
  SICOOP_ASSIGN_OR_RETURN(ReportOptions options, ReportOptionsFrom(parsed));
  SICOOP_ASSIGN_OR_RETURN(std::optional<spark::ConnectionString> endpoint, SparkEndpoint(parsed));
  SICOOP_ASSIGN_OR_RETURN(storage::Location lake, ExistingLake(parsed));
  Reporter reporter(options);
  SICOOP_RETURN_IF_ERROR(reporter.Open());
  SICOOP_ASSIGN_OR_RETURN(StorageAccess storage, OpenStorage({lake}, environment));
  SICOOP_ASSIGN_OR_RETURN(SparkForRun spark, ConnectSparkForRun(endpoint, environment, reporter, storage.spark_settings));
  SICOOP_ASSIGN_OR_RETURN(const std::string location, SparkUri(lake));
  SICOOP_RETURN_IF_ERROR(lake::OpenLakeToRead(*spark.session, location));
  const std::string gold = lake::GoldTable(lake::kGoldMemberMonth);
  SICOOP_ASSIGN_OR_RETURN(std::vector<lake::LakeColumn> gold_columns, lake::TableColumns(*spark.session, gold));
  if (gold_columns.empty()) {
    return Status::Failure("the lake at " + lake.ToString() +
                           " has no gold tables yet: build them with 'sicoop lake build --lake " + lake.ToString() + "'");
  }
  if (!run.to) {
    SICOOP_ASSIGN_OR_RETURN(run.to, report::LastMonth(*spark.session));
    if (!run.to) return Status::Failure("the lake at " + lake.ToString() + " holds no movimento: nothing to report");
  }
  const report::Period period{run.from.value_or(report::TwelveMonthsEndingAt(*run.to).from), *run.to};
  if (period.from > period.to) {
    return Status::Failure("--from " + period.from + " comes after the lake's last month " + period.to +
                           ": the member has no movimento there");
  }
  report::MemberSelection selection{run.member, period, UtcNow()};

  std::optional<int64_t> total;
  if (!run.member) {
    SICOOP_ASSIGN_OR_RETURN(total, report::CountMembersWithMovimentos(*spark.session, period));
  }
  reporter.Log("reports of " + (run.member ? "member " + std::to_string(*run.member) : std::to_string(*total) + " members") +
               ", " + PeriodText(period) + ", into " + run.output.string());
  spark::TerminalProgress progress;
  std::mutex progress_mutex;
  std::function<void(int64_t)> on_written;
  if (reporter.ShowsProgress() && total) {
    on_written = [&](int64_t written) {
      std::lock_guard lock(progress_mutex);
      progress.Show(std::to_string(written) + " / " + std::to_string(*total) + " member reports written");
    };
  }
  report::MemberFiles files(run.output, run.jobs, on_written);
  int64_t members = 0;
  Status streamed = report::ForEachMemberReport(*spark.session, selection, [&](report::MemberReport&& member) {
    if (run.member && member.movimentos.empty() && member.months.empty()) {
      return Status::Failure("member " + member.id_associado + " has no movimento in the lake " +
                             PeriodText(period) + ": give --from and --to around months they have");
    }
    ++members;
    return files.Add(std::move(member));
  });
  Status finished = files.Finish();
  {
    std::lock_guard lock(progress_mutex);
    progress.Finish();
  }
  SICOOP_RETURN_IF_ERROR(finished);
  SICOOP_RETURN_IF_ERROR(streamed);
  (void)spark.session->Close();
  if (run.member && members == 0) {
    return Status::Failure("the lake at " + lake.ToString() + " holds no member " + std::to_string(*run.member) +
                           " (raw.associado): check --associado");
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  char summary[256];
  std::snprintf(summary, sizeof(summary), "wrote %lld member report%s (%s) into %s in %.1f s",
                static_cast<long long>(files.written()), files.written() == 1 ? "" : "s",
                PeriodText(period).c_str(), run.output.string().c_str(), seconds);
  reporter.ToFile(summary);
  std::cout << summary << "\n";
  return Status::Ok();
}

Status Member(const std::vector<std::string>& args, const Environment& environment) {
  SICOOP_ASSIGN_OR_RETURN(std::optional<ParsedOptions> parsed,
                          ParseLakeCommand(MemberSpec(), args, environment, {"spark", "lake"}, {"lake"}));
  if (!parsed) return Status::Ok();
  ReportRun run;
  SICOOP_ASSIGN_OR_RETURN(run.member, parsed->GetInt("associado", 1, INT32_MAX));
  if (parsed->Has("from")) {
    SICOOP_ASSIGN_OR_RETURN(run.from, MonthOption(*parsed, "from"));
  }
  if (parsed->Has("to")) {
    SICOOP_ASSIGN_OR_RETURN(run.to, MonthOption(*parsed, "to"));
  }
  if (run.from && run.to && *run.from > *run.to) {
    return Status::Usage("--from " + *run.from + " comes after --to " + *run.to + ": give them in order");
  }
  SICOOP_ASSIGN_OR_RETURN(run.output, OutputFolder(*parsed));
  return RunReports(run, *parsed, environment);
}

Status Members(const std::vector<std::string>& args, const Environment& environment) {
  SICOOP_ASSIGN_OR_RETURN(std::optional<ParsedOptions> parsed,
                          ParseLakeCommand(MembersSpec(), args, environment, {"spark", "lake"}, {"lake"}));
  if (!parsed) return Status::Ok();
  ReportRun run;
  SICOOP_ASSIGN_OR_RETURN(std::string month, MonthOption(*parsed, "month"));
  run.from = month;
  run.to = month;
  run.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (parsed->Has("jobs")) {
    SICOOP_ASSIGN_OR_RETURN(int64_t jobs, parsed->GetInt("jobs", 1, 256));
    run.jobs = static_cast<int>(jobs);
  }
  SICOOP_ASSIGN_OR_RETURN(run.output, OutputFolder(*parsed));
  return RunReports(run, *parsed, environment);
}

}  // namespace

const CommandSpec& ReportMemberSpec() { return MemberSpec(); }
const CommandSpec& ReportMembersSpec() { return MembersSpec(); }

int RunReport(const std::vector<std::string>& args, const Environment& environment) {
  return RunSubcommand(args, kReportUsage,
                       {{"member", [&environment](const auto& rest) { return Member(rest, environment); }},
                        {"members", [&environment](const auto& rest) { return Members(rest, environment); }}},
                       "'sicoop report member' or 'members'", "sicoop report");
}

}  // namespace sicoop::cli
