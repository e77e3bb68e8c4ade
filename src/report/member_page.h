// One member's report for a period as one self-contained HTML page (docs/reports.md): who the
// member is, the accounts and cards (masked), the totals, bar charts of spending by month and by
// category drawn as inline SVG from the figures, and the period's movimentos with refunds marked.
// No external asset and no script: the page opens offline and prints on A4.
#pragma once

#include <string>
#include <vector>

namespace sicoop::report {

// Every figure as text, as the lake gives it: amounts "1234.56" (two decimals), dates "YYYY-MM-DD",
// timestamps "YYYY-MM-DD HH:MM:SS".
struct MemberAccount {
  std::string id;
  std::string tipo;          // "CC" or "CP"
  std::string data_criacao;  // timestamp
};

struct MemberCard {
  std::string id;
  std::string numero_mascarado;  // "************1234": never the number itself
  std::string nome_impresso;
  std::string id_conta;
  std::string data_criacao;  // timestamp
};

struct MonthFigures {  // a row of gold.associado_mes
  std::string mes;     // "YYYY-MM-01"
  std::string movimentos, compras, gasto, ticket_medio, estornos, valor_estornado, cartoes_em_uso, contas_em_uso;
};

struct CategoryFigures {  // the period's purchases in one merchant category (gold.associado_mes_categoria)
  std::string categoria;
  std::string compras, gasto;
};

struct MemberMovimento {  // a row of curated.movimento_flat
  std::string data_movimento;  // timestamp
  std::string descricao;
  std::string valor;           // negative: a refund
  std::string numero_cartao;   // masked
};

struct MemberReport {
  std::string id_associado;
  std::string nome, sobrenome, idade, email;  // email may be empty
  std::string period_from, period_to;         // months "YYYY-MM", inclusive
  std::string generated_at;                   // UTC "YYYY-MM-DD HH:MM:SS"
  std::vector<MemberAccount> accounts;
  std::vector<MemberCard> cards;
  std::vector<MonthFigures> months;          // the period's months with movimentos, oldest first
  std::vector<CategoryFigures> categories;  // the period's categories, largest spending first
  std::vector<MemberMovimento> movimentos;  // the period's movimentos in data_movimento order
};

// The page, UTF-8, with every text from the data escaped.
std::string MemberPageHtml(const MemberReport& report);

}  // namespace sicoop::report
