// The figures of member reports (member_page.h), read from the lake (docs/reports.md): who the
// member is, the accounts and cards (raw), the months and categories of the period (gold), the
// period's movimentos (curated). One Spark query gives every member's records sorted by member, and
// its result is streamed (spark::DataFrame::ForEachBatch) and cut into one MemberReport per member:
// sicoop holds one member and one Arrow batch at a time, whatever the number of members. Only reads:
// each table is read at its current snapshot, which no concurrent run changes, so no lock is taken.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "common/status.h"
#include "report/member_page.h"
#include "spark/session.h"

namespace sicoop::report {

// Whole months, "YYYY-MM", both included.
struct Period {
  std::string from, to;
};

// True for "YYYY-MM" with a month from 01 to 12.
bool IsMonth(const std::string& text);

// `month` (IsMonth) moved by `months` (negative: back).
std::string AddMonths(const std::string& month, int months);

// The 12 months ending at `last`.
Period TwelveMonthsEndingAt(const std::string& last);

// The lake's last month with movimentos, from gold.associado_mes; nullopt when it has none.
Result<std::optional<std::string>> LastMonth(spark::SparkSession& spark);

// Whose reports, for which period.
struct MemberSelection {
  // One member (whether or not they have movimentos in the period); nullopt: every member with at
  // least one movimento in the period.
  std::optional<int64_t> id_associado;
  Period period;
  std::string generated_at;  // copied into each report
};

// The number of members with at least one movimento in `period`.
Result<int64_t> CountMembersWithMovimentos(spark::SparkSession& spark, const Period& period);

// Runs the one query of `selection` on the lake open in `spark`'s session and hands each member's
// report to `consumer` as soon as its last record has arrived, in id_associado order. A member with
// no movimento in the period gets a report with no months, no categories and no movimentos; a member
// the lake does not hold gets none. An error from `consumer` stops the query and is returned.
Status ForEachMemberReport(spark::SparkSession& spark, const MemberSelection& selection,
                           const std::function<Status(MemberReport&&)>& consumer);

}  // namespace sicoop::report
