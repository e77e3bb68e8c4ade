#include "report/member_data.h"

#include <cstdio>
#include <regex>
#include <vector>

#include "common/numbers.h"
#include "lake/catalog.h"
#include "lake/curated_build.h"
#include "lake/gold_build.h"

namespace sicoop::report {
namespace {

// The record kinds of the query, in the order a member's records come.
enum Kind : int { kAssociado = 0, kConta, kCartao, kMes, kCategoria, kMovimento };

// The generic text columns every record kind fills from the first (the most any kind has: a month's).
constexpr int kTextColumns = 9;

// "sicoop_lake.raw.TABLE". By name: reports do not see the source's table descriptors (db/).
std::string RawTable(const std::string& table) {
  return std::string(lake::kCatalog) + ".raw." + table;
}

std::string FirstDay(const std::string& month) { return "DATE'" + month + "-01'"; }

// One record kind's SELECT: the member, the kind, the sort keys of the records inside the kind (a
// decimal, a text and a number, NULL where the kind has none), then its values as text, padded with
// NULLs to kTextColumns.
std::string Record(const std::string& member, Kind kind, const std::string& sort_amount,
                   const std::string& sort_text, const std::string& sort_id, const std::vector<std::string>& values,
                   const std::string& from) {
  std::string select = "SELECT " + member + " AS id_associado, " + std::to_string(kind) + " AS kind, CAST(" +
                       sort_amount + " AS DECIMAL(38,2)) AS sort_amount, CAST(" + sort_text +
                       " AS STRING) AS sort_text, CAST(" + sort_id + " AS BIGINT) AS sort_id";
  for (int i = 0; i < kTextColumns; ++i) {
    const std::string value = i < static_cast<int>(values.size()) ? values[i] : "NULL";
    select += ", CAST(" + value + " AS STRING) AS c" + std::to_string(i + 1);
  }
  return select + " " + from;
}

// The query of `selection`: every record of the selected members, sorted by member, then kind, then
// each kind's own order (accounts and cards by id, months oldest first, categories by spending, the
// largest first, movimentos by data_movimento and id), which is the order ForEachMemberReport reads.
std::string MemberReportSql(const MemberSelection& selection) {
  const std::string associado = RawTable("associado");
  const std::string conta = RawTable("conta");
  const std::string cartao = RawTable("cartao");
  const std::string member_months = lake::GoldTable(lake::kGoldMemberMonth);
  const std::string member_categories = lake::GoldTable(lake::kGoldMemberMonthCategory);
  const std::string months = "g.mes BETWEEN " + FirstDay(selection.period.from) + " AND " +
                             FirstDay(selection.period.to);
  const std::string members =
      selection.id_associado
          ? "SELECT id FROM " + associado + " WHERE id = " + std::to_string(*selection.id_associado)
          : "SELECT DISTINCT g.id_associado AS id FROM " + member_months + " g WHERE " + months;
  const std::string in_members = " LEFT SEMI JOIN membros ON membros.id = ";
  const std::vector<std::string> records = {
      Record("a.id", kAssociado, "NULL", "NULL", "NULL", {"a.nome", "a.sobrenome", "a.idade", "a.email"},
             "FROM " + associado + " a" + in_members + "a.id"),
      Record("c.id_associado", kConta, "NULL", "NULL", "c.id", {"c.id", "c.tipo", "c.data_criacao"},
             "FROM " + conta + " c" + in_members + "c.id_associado"),
      // The cards of the member's accounts (an additional card's holder may be someone else, as in
      // curated, where id_associado is the account's owner); the masked number only, never the token.
      Record("c.id_associado", kCartao, "NULL", "NULL", "k.id",
             {"k.id", std::string("k.") + lake::kMaskedCardColumn, "k.nom_impresso", "k.id_conta", "k.data_criacao"},
             "FROM " + cartao + " k JOIN " + conta + " c ON k.id_conta = c.id" + in_members + "c.id_associado"),
      Record("g.id_associado", kMes, "NULL", "g.mes", "NULL",
             {"g.mes", "g.movimentos", "g.compras", "g.gasto", "g.ticket_medio", "g.estornos", "g.valor_estornado",
              "g.cartoes_em_uso", "g.contas_em_uso"},
             "FROM " + member_months + " g" + in_members + "g.id_associado WHERE " + months),
      Record("g.id_associado", kCategoria, "-SUM(g.gasto)", "g.categoria", "NULL",
             {"g.categoria", "SUM(g.compras)", "SUM(g.gasto)"},
             "FROM " + member_categories + " g" + in_members + "g.id_associado WHERE " + months +
                 " GROUP BY g.id_associado, g.categoria"),
      Record("f.id_associado", kMovimento, "NULL", "f.data_movimento", std::string("f.") + lake::kCuratedIdColumn,
             {"f.data_movimento", "f.des_transacao_movimento", "f.vlr_transacao_movimento", "f.numero_cartao"},
             "FROM " + lake::CuratedFlatTable() + " f" + in_members + "f.id_associado WHERE f.data_movimento >= " +
                 "TIMESTAMP_NTZ'" + selection.period.from + "-01 00:00:00' AND f.data_movimento < TIMESTAMP_NTZ'" +
                 AddMonths(selection.period.to, 1) + "-01 00:00:00'"),
  };
  std::string sql = "WITH membros AS (" + members + ") SELECT id_associado, kind";
  for (int i = 1; i <= kTextColumns; ++i) sql += ", c" + std::to_string(i);
  sql += " FROM (";
  for (size_t i = 0; i < records.size(); ++i) sql += (i == 0 ? "" : " UNION ALL ") + records[i];
  // The timestamps sort as text: the lake's hold whole seconds, "YYYY-MM-DD HH:MM:SS".
  return sql + ") ORDER BY id_associado, kind, sort_amount, sort_text, sort_id";
}

// Cuts the sorted records into members.
class ReportAssembler {
 public:
  ReportAssembler(const MemberSelection& selection, std::function<Status(MemberReport&&)> consumer)
      : selection_(selection), consumer_(std::move(consumer)) {}

  Status Add(const spark::Row& row) {
    if (row.size() != 2 + kTextColumns || !row[0] || !row[1]) {
      return Status::Failure("Spark gave a member report record without its member or kind");
    }
    if (!started_ || *row[0] != current_.id_associado) {
      SICOOP_RETURN_IF_ERROR(Finish());
      current_ = MemberReport{};
      current_.id_associado = *row[0];
      current_.period_from = selection_.period.from;
      current_.period_to = selection_.period.to;
      current_.generated_at = selection_.generated_at;
      started_ = true;
    }
    auto text = [&row](int column) { return row[1 + column].value_or(""); };  // c1 is text(1)
    switch (ParseInteger(*row[1]).value_or(-1)) {
      case kAssociado:
        current_.nome = text(1);
        current_.sobrenome = text(2);
        current_.idade = text(3);
        current_.email = text(4);
        break;
      case kConta: current_.accounts.push_back({text(1), text(2), text(3)}); break;
      case kCartao: current_.cards.push_back({text(1), text(2), text(3), text(4), text(5)}); break;
      case kMes:
        current_.months.push_back({text(1), text(2), text(3), text(4), text(5), text(6), text(7), text(8), text(9)});
        break;
      case kCategoria: current_.categories.push_back({text(1), text(2), text(3)}); break;
      case kMovimento: current_.movimentos.push_back({text(1), text(2), text(3), text(4)}); break;
      default: return Status::Failure("Spark gave a member report record of an unknown kind " + *row[1]);
    }
    return Status::Ok();
  }

  // Hands the member being assembled over, if any.
  Status Finish() {
    if (!started_) return Status::Ok();
    started_ = false;
    return consumer_(std::move(current_));
  }

 private:
  const MemberSelection& selection_;
  const std::function<Status(MemberReport&&)> consumer_;
  MemberReport current_;
  bool started_ = false;
};

}  // namespace

bool IsMonth(const std::string& text) {
  static const std::regex month("[0-9]{4}-(0[1-9]|1[0-2])");
  return std::regex_match(text, month);
}

std::string AddMonths(const std::string& month, int months) {
  const int64_t index = ParseInteger(month.substr(0, 4)).value_or(0) * 12 + ParseInteger(month.substr(5, 2)).value_or(1) -
                        1 + months;
  char text[16];
  std::snprintf(text, sizeof(text), "%04d-%02d", static_cast<int>(index / 12), static_cast<int>(index % 12 + 1));
  return text;
}

Period TwelveMonthsEndingAt(const std::string& last) { return {AddMonths(last, -11), last}; }

Result<std::optional<std::string>> LastMonth(spark::SparkSession& spark) {
  auto rows = spark.Sql("SELECT date_format(max(mes), 'yyyy-MM') FROM " + lake::GoldTable(lake::kGoldMemberMonth)).Collect();
  if (!rows.ok()) return rows.status().WithContext("reading the lake's last month from gold.associado_mes");
  if (rows->rows.size() != 1 || rows->rows[0].size() != 1) {
    return Status::Failure("Spark gave no answer for the lake's last month");
  }
  return rows->rows[0][0];
}

Result<int64_t> CountMembersWithMovimentos(spark::SparkSession& spark, const Period& period) {
  auto count = spark
                   .Sql("SELECT DISTINCT id_associado FROM " + lake::GoldTable(lake::kGoldMemberMonth) + " g WHERE g.mes BETWEEN " +
                        FirstDay(period.from) + " AND " + FirstDay(period.to))
                   .Count();
  if (!count.ok()) return count.status().WithContext("counting the members with movimentos in gold.associado_mes");
  return *count;
}

Status ForEachMemberReport(spark::SparkSession& spark, const MemberSelection& selection,
                           const std::function<Status(MemberReport&&)>& consumer) {
  bool consumer_failed = false;
  auto counted = [&consumer, &consumer_failed](MemberReport&& report) {
    Status taken = consumer(std::move(report));
    consumer_failed = !taken.ok();
    return taken;
  };
  ReportAssembler assembler(selection, counted);
  Status streamed = spark.Sql(MemberReportSql(selection)).ForEachBatch([&assembler](spark::Rows&& rows) {
    for (const spark::Row& row : rows.rows) SICOOP_RETURN_IF_ERROR(assembler.Add(row));
    return Status::Ok();
  });
  if (!streamed.ok()) {
    return consumer_failed ? streamed : streamed.WithContext("reading the member reports from the lake");
  }
  return assembler.Finish();
}

}  // namespace sicoop::report
