#include "report/member_page.h"

#include <cmath>
#include <optional>

#include "common/numbers.h"
#include "report/brazilian_format.h"
#include "report/html.h"
#include "report/svg_chart.h"

namespace sicoop::report {
namespace {

// All but the last four characters as '*': the lake gives masked numbers already; masking again
// costs nothing and keeps a number in clear off the page whatever the caller passed.
std::string MaskedCard(const std::string& number) {
  const size_t hidden = number.size() > 4 ? number.size() - 4 : 0;
  return std::string(hidden, '*') + number.substr(hidden);
}

std::string Cell(const std::string& text, bool number = false) {
  return std::string(number ? "<td class=\"num\">" : "<td>") + HtmlEscape(text) + "</td>";
}

std::string Fact(const std::string& name, const std::string& value) {
  return "<dt>" + HtmlEscape(name) + "</dt><dd>" + HtmlEscape(value) + "</dd>";
}

std::string Figure(const std::string& name, const std::string& value) {
  return "<div class=\"card\"><div class=\"figure\">" + HtmlEscape(value) + "</div><div class=\"name\">" +
         HtmlEscape(name) + "</div></div>";
}

std::string Head(std::initializer_list<std::pair<const char*, bool>> columns) {
  std::string head = "<thead><tr>";
  for (const auto& [name, number] : columns) head += std::string(number ? "<th class=\"num\">" : "<th>") + name + "</th>";
  return head + "</tr></thead>";
}

int64_t Count(const std::string& text) { return ParseInteger(text).value_or(0); }
int64_t Centavos(const std::string& text) { return ParseCentavos(text).value_or(0); }

// The period's totals, summed from its months.
std::string Totals(const MemberReport& report) {
  int64_t movimentos = 0, compras = 0, gasto = 0, estornos = 0, estornado = 0;
  for (const MonthFigures& month : report.months) {
    movimentos += Count(month.movimentos);
    compras += Count(month.compras);
    gasto += Centavos(month.gasto);
    estornos += Count(month.estornos);
    estornado += Centavos(month.valor_estornado);
  }
  // The average ticket rounded half up to the centavo, as gold.associado_mes rounds a month's.
  const std::string ticket = compras == 0 ? "—" : MoneyText((2 * gasto + compras) / (2 * compras));
  return "<section class=\"cards\">" + Figure("gasto no período", MoneyText(gasto)) +
         Figure("compras", CountText(compras)) + Figure("ticket médio", ticket) +
         Figure("movimentos", CountText(movimentos)) + Figure("estornos", CountText(estornos)) +
         Figure("valor estornado", MoneyText(estornado)) +
         Figure("contas", CountText(static_cast<int64_t>(report.accounts.size()))) +
         Figure("cartões", CountText(static_cast<int64_t>(report.cards.size()))) + "</section>";
}

std::string Accounts(const MemberReport& report) {
  if (report.accounts.empty()) return "<p class=\"muted\">Nenhuma conta.</p>";
  std::string rows;
  for (const MemberAccount& account : report.accounts) {
    rows += "<tr>" + Cell(account.id) + Cell(account.tipo == "CC" ? "conta corrente" : account.tipo == "CP" ? "poupança" : account.tipo) +
            Cell(DateText(account.data_criacao)) + "</tr>";
  }
  return "<table>" + Head({{"conta", false}, {"tipo", false}, {"aberta em", false}}) + "<tbody>" + rows +
         "</tbody></table>";
}

std::string Cards(const MemberReport& report) {
  if (report.cards.empty()) return "<p class=\"muted\">Nenhum cartão.</p>";
  std::string rows;
  for (const MemberCard& card : report.cards) {
    rows += "<tr>" + Cell(MaskedCard(card.numero_mascarado)) + Cell(card.nome_impresso) + Cell(card.id_conta) +
            Cell(DateText(card.data_criacao)) + "</tr>";
  }
  return "<table>" + Head({{"cartão", false}, {"nome impresso", false}, {"conta", false}, {"emitido em", false}}) +
         "<tbody>" + rows + "</tbody></table>";
}

double Reais(const std::string& amount) { return static_cast<double>(Centavos(amount)) / 100; }
std::string MoneyTick(double reais) { return MoneyText(static_cast<int64_t>(std::llround(reais * 100))); }

std::string Charts(const MemberReport& report) {
  BarChart months{.id = "gasto-por-mes", .title = "Gasto por mês", .value_axis = "gasto (R$)",
                  .direction = BarDirection::kRows, .bars = {}, .tick_label = MoneyTick,
                  .empty_text = "Nenhum movimento no período"};
  for (const MonthFigures& month : report.months) {
    months.bars.push_back({MonthText(month.mes), Reais(month.gasto), MoneyText(month.gasto)});
  }
  BarChart categories{.id = "gasto-por-categoria", .title = "Gasto por categoria", .value_axis = "gasto (R$)",
                      .direction = BarDirection::kRows, .bars = {}, .tick_label = MoneyTick,
                      .empty_text = "Nenhuma compra no período"};
  for (const CategoryFigures& category : report.categories) {
    categories.bars.push_back({category.categoria, Reais(category.gasto), MoneyText(category.gasto)});
  }
  return "<figure><figcaption>Gasto por mês</figcaption>" + BarChartSvg(months) +
         "</figure><figure><figcaption>Gasto por categoria</figcaption>" + BarChartSvg(categories) + "</figure>";
}

std::string Months(const MemberReport& report) {
  if (report.months.empty()) return "";
  std::string rows;
  for (const MonthFigures& m : report.months) {
    rows += "<tr>" + Cell(MonthText(m.mes)) + Cell(CountText(m.movimentos), true) + Cell(CountText(m.compras), true) +
            Cell(MoneyText(m.gasto), true) + Cell(MoneyText(m.ticket_medio), true) + Cell(CountText(m.estornos), true) +
            Cell(MoneyText(m.valor_estornado), true) + Cell(CountText(m.cartoes_em_uso), true) + "</tr>";
  }
  return "<table>" +
         Head({{"mês", false}, {"movimentos", true}, {"compras", true}, {"gasto", true}, {"ticket médio", true},
               {"estornos", true}, {"valor estornado", true}, {"cartões em uso", true}}) +
         "<tbody>" + rows + "</tbody></table>";
}

std::string Movimentos(const MemberReport& report) {
  if (report.movimentos.empty()) return "<p class=\"muted\">Nenhum movimento no período.</p>";
  std::string rows;
  for (const MemberMovimento& m : report.movimentos) {
    const bool refund = !m.valor.empty() && m.valor.front() == '-';
    rows += std::string(refund ? "<tr class=\"refund\">" : "<tr>") + Cell(DateText(m.data_movimento)) + "<td>" +
            (refund ? "<span class=\"tag\">estorno</span>" : "") + HtmlEscape(m.descricao) + "</td>" +
            Cell(MaskedCard(m.numero_cartao)) + Cell(MoneyText(m.valor), true) + "</tr>";
  }
  return "<table class=\"movimentos\">" +
         Head({{"data", false}, {"descrição", false}, {"cartão", false}, {"valor", true}}) + "<tbody>" + rows +
         "</tbody></table>";
}

}  // namespace

std::string MemberPageHtml(const MemberReport& report) {
  const std::string name = report.nome + " " + report.sobrenome;
  const std::string period = MonthText(report.period_from) +
                             (report.period_to == report.period_from ? "" : " a " + MonthText(report.period_to));
  std::string body = "<header><h1>" + HtmlEscape(name) + "</h1><div class=\"muted\">Relatório do associado " +
                     HtmlEscape(report.id_associado) + " · " + HtmlEscape(period) + "</div></header>";
  body += "<section><h2>Associado</h2><dl class=\"facts\">" + Fact("associado", report.id_associado) +
          Fact("nome", name) + Fact("idade", report.idade.empty() ? "—" : report.idade + " anos") +
          Fact("e-mail", report.email.empty() ? "—" : report.email) + Fact("período", period) + "</dl></section>";
  body += "<section><h2>Totais do período</h2>" + Totals(report) + "</section>";
  body += "<section><h2>Contas</h2>" + Accounts(report) + "</section>";
  body += "<section><h2>Cartões</h2>" + Cards(report) + "</section>";
  body += "<section><h2>Gastos</h2>" + Charts(report) + Months(report) + "</section>";
  body += "<section><h2>Movimentos do período</h2>" + Movimentos(report) + "</section>";
  body += "<footer>Gerado em " + HtmlEscape(DateText(report.generated_at)) +
          " UTC pelo sicoop a partir do lake. Números de cartão mascarados; estornos em vermelho.</footer>\n";
  return HtmlPage("Associado " + report.id_associado + " · " + period, body);
}

}  // namespace sicoop::report
