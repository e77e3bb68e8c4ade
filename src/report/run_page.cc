#include "report/run_page.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "report/brazilian_format.h"
#include "report/html.h"
#include "report/svg_chart.h"

namespace sicoop::report {
namespace {

std::string Cell(const std::string& text, bool number = false) {
  return std::string(number ? "<td class=\"num\">" : "<td>") + HtmlEscape(text) + "</td>";
}

std::string Fact(const std::string& name, const std::string& value) {
  return "<dt>" + HtmlEscape(name) + "</dt><dd>" + HtmlEscape(value) + "</dd>";
}

std::string Seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f", seconds);
  std::string shown = text;
  for (char& c : shown) {
    if (c == '.') c = ',';
  }
  return shown + " s";
}

std::string UtcTime(std::chrono::system_clock::time_point at) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%d/%m/%Y %H:%M:%S UTC", &utc);
  return text;
}

std::string Ingest(const lake::IngestSummary& ingest) {
  std::string rows;
  for (const auto& [name, table] : ingest.tables) {
    rows += "<tr>" + Cell(name) + Cell(CountText(table.source_rows), true) + Cell(CountText(table.rows_added), true) +
            Cell(CountText(table.rows_inserted), true) + Cell(CountText(table.rows_updated), true) +
            Cell(CountText(table.rows_deleted), true) + Cell(CountText(table.rows_in_lake), true) + "</tr>";
  }
  auto watermark = [](const std::optional<int64_t>& id) { return id ? CountText(*id) : std::string("nenhuma"); };
  std::string html = "<table class=\"ingest\"><thead><tr><th>tabela</th><th class=\"num\">lidas da origem</th>"
                     "<th class=\"num\">adicionadas</th><th class=\"num\">inseridas</th><th class=\"num\">atualizadas"
                     "</th><th class=\"num\">removidas</th><th class=\"num\">no lake</th></tr></thead><tbody>" +
                     rows + "</tbody></table><dl class=\"facts\">" +
                     Fact("marca d'água", watermark(ingest.watermark_before) + " → " + watermark(ingest.watermark_after)) +
                     Fact("lidos os ids acima de", CountText(ingest.read_from_id));
  for (const std::string& column : ingest.columns_added) html += Fact("coluna nova na origem", column);
  if (!ingest.warning.empty()) html += Fact("aviso", ingest.warning);
  return html + "</dl>";
}

std::string Build(const lake::BuildSummary& build) {
  const int64_t dropped = build.dropped_no_cartao + build.dropped_no_conta + build.dropped_no_associado;
  const bool rows_match = build.raw_movimentos - dropped == build.rows;
  const std::optional<int64_t> raw_amount = ParseCentavos(build.raw_amount), amount = ParseCentavos(build.amount);
  std::string html = "<dl class=\"facts\">" + Fact("modo", build.mode) + "</dl>";
  html += "<table class=\"reconciliation\"><thead><tr><th></th><th class=\"num\">raw.movimento</th>"
          "<th class=\"num\">curated.movimento_flat</th><th class=\"num\">diferença</th></tr></thead><tbody><tr>" +
          Cell("movimentos") + Cell(CountText(build.raw_movimentos), true) + Cell(CountText(build.rows), true) +
          Cell(CountText(build.raw_movimentos - build.rows), true) + "</tr><tr>" + Cell("soma de vlr_transacao") +
          Cell(MoneyText(build.raw_amount), true) + Cell(MoneyText(build.amount), true) +
          Cell(raw_amount && amount ? MoneyText(*raw_amount - *amount) : "—", true) + "</tr></tbody></table>";
  html += "<h3>Movimentos deixados de fora pela junção</h3><table class=\"dropped\"><thead><tr><th>motivo</th>"
          "<th class=\"num\">movimentos</th></tr></thead><tbody><tr>" +
          Cell("cartão inexistente") + Cell(CountText(build.dropped_no_cartao), true) + "</tr><tr>" +
          Cell("conta do cartão inexistente") + Cell(CountText(build.dropped_no_conta), true) + "</tr><tr>" +
          Cell("associado da conta inexistente") + Cell(CountText(build.dropped_no_associado), true) +
          "</tr></tbody></table>";
  html += std::string("<p class=\"") + (rows_match ? "ok" : "bad") + "\">" +
          (rows_match ? "Conferem: os movimentos de raw menos os deixados de fora são as linhas de curated."
                      : "Não conferem: os movimentos de raw menos os deixados de fora não são as linhas de curated.") +
          "</p>";
  return html;
}

std::string Gold(const lake::GoldSummary& gold) {
  std::string rows;
  for (const auto& [name, table] : gold.tables) {
    std::string months;
    for (const std::string& month : table.months) months += (months.empty() ? "" : ", ") + MonthText(month);
    rows += "<tr>" + Cell("gold." + name) + Cell(table.mode) + Cell(months.empty() ? "—" : months) +
            Cell(CountText(table.rows), true) + "</tr>";
  }
  return "<table class=\"gold\"><thead><tr><th>tabela</th><th>modo</th><th>meses recalculados</th>"
         "<th class=\"num\">linhas</th></tr></thead><tbody>" + rows + "</tbody></table>";
}

std::string DaysChart(const lake::RunRecord& record, const RunDays& per_day) {
  if (!record.ingest) return "<p class=\"muted\">Esta execução não fez ingestão: não há movimentos por dia.</p>";
  if (!per_day.days) {
    return "<p class=\"alert\">Não foi possível contar os movimentos por dia: " + HtmlEscape(per_day.error) + "</p>";
  }
  BarChart chart{.id = "movimentos-por-dia", .title = "Movimentos ingeridos por dia", .value_axis = "movimentos",
                 .direction = BarDirection::kColumns, .bars = {},
                 .tick_label = [](double count) { return CountText(static_cast<int64_t>(count)); },
                 .empty_text = "Nenhum movimento novo nesta execução", .whole_numbers = true};
  for (const lake::DayCount& day : *per_day.days) {
    chart.bars.push_back({DateText(day.day), static_cast<double>(day.movimentos), CountText(day.movimentos)});
  }
  return "<figure><figcaption>Movimentos ingeridos por dia (data do movimento)</figcaption>" + BarChartSvg(chart) +
         "</figure>";
}

}  // namespace

std::string RunPageName(const std::string& manifest_name) {
  const std::string json = ".json";
  const bool ends_json = manifest_name.size() >= json.size() &&
                         manifest_name.compare(manifest_name.size() - json.size(), json.size(), json) == 0;
  return (ends_json ? manifest_name.substr(0, manifest_name.size() - json.size()) : manifest_name) + ".html";
}

std::string RunPageHtml(const lake::RunRecord& record, const RunDays& per_day) {
  const bool failed = !record.error.empty();
  std::string body = "<header><h1>Execução do lake: " + HtmlEscape(record.command) + "</h1><div class=\"" +
                     (failed ? "bad" : "ok") + "\">" + (failed ? "Falhou" : "Concluída") + "</div></header>";
  body += "<section><h2>Execução</h2><dl class=\"facts\">" + Fact("execução", record.run_id) +
          Fact("comando", "sicoop " + record.command) + Fact("início", UtcTime(record.started_at)) +
          Fact("lake", record.lake) + Fact("origem", record.source.empty() ? "—" : record.source) + "</dl>";
  if (failed) body += "<h3>Erro</h3><p class=\"alert\">" + HtmlEscape(record.error) + "</p>";
  body += "</section>";
  double total = 0;
  std::string durations;
  // The phases in the order they run, then any other the record holds.
  std::vector<std::pair<std::string, double>> phases;
  for (const char* phase : {"start", "ingest", "build", "export"}) {
    if (auto found = record.seconds.find(phase); found != record.seconds.end()) phases.push_back(*found);
  }
  for (const auto& [phase, seconds] : record.seconds) {
    auto named = [&phase](const auto& listed) { return listed.first == phase; };
    if (std::find_if(phases.begin(), phases.end(), named) == phases.end()) phases.emplace_back(phase, seconds);
  }
  for (const auto& [phase, seconds] : phases) {
    durations += "<tr>" + Cell(phase) + Cell(Seconds(seconds), true) + "</tr>";
    total += seconds;
  }
  body += "<section><h2>Durações</h2><table class=\"durations\"><thead><tr><th>fase</th><th class=\"num\">duração</th>"
          "</tr></thead><tbody>" + durations + "<tr><th>total</th><th class=\"num\">" + HtmlEscape(Seconds(total)) +
          "</th></tr></tbody></table></section>";
  body += "<section><h2>Ingestão</h2>" + (record.ingest ? Ingest(*record.ingest) : std::string()) +
          DaysChart(record, per_day) + "</section>";
  body += "<section><h2>Construção de curated e reconciliação</h2>" +
          (record.build ? Build(*record.build) : std::string("<p class=\"muted\">Sem construção nesta execução.</p>")) +
          "</section>";
  if (record.gold) body += "<section><h2>Tabelas gold</h2>" + Gold(*record.gold) + "</section>";
  if (record.exported) {
    body += "<section><h2>Exportação</h2><dl class=\"facts\">" + Fact("arquivo", record.exported->file) +
            Fact("linhas", CountText(record.exported->rows)) + "</dl></section>";
  }
  body += "<footer>Página da execução " + HtmlEscape(record.run_id) +
          " escrita pelo sicoop ao lado do seu manifesto JSON (_sicoop/runs/).</footer>\n";
  return HtmlPage("Execução " + record.run_id + " · " + record.command, body);
}

}  // namespace sicoop::report
