#include "pipeline/flat_view.h"

namespace sicoop::pipeline {

const std::vector<std::string>& FlatViewColumns() {
  static const std::vector<std::string> kColumns = {
      "nome_associado",          "sobrenome_associado",     "idade_associado",
      "vlr_transacao_movimento", "des_transacao_movimento", "data_movimento",
      "numero_cartao",           "nome_impresso_cartao",    "data_criacao_cartao",
      "tipo_conta",              "data_criacao_conta"};
  return kColumns;
}

std::string FlatViewHeader(char delimiter) {
  std::string header;
  for (const auto& column : FlatViewColumns()) {
    if (!header.empty()) header += delimiter;
    header += column;
  }
  return header;
}

std::string MaskedCardNumberSql(const std::string& column) {
  // greatest() keeps numbers of four characters or fewer as they are (repeat of 0 is '').
  return "concat(repeat('*', greatest(char_length(" + column + ") - 4, 0)), right(" + column +
         ", 4))";
}

std::string FlatViewSql(CardNumberMode mode) {
  std::string card = mode == CardNumberMode::kMasked ? MaskedCardNumberSql("c.num_cartao")
                                                      : std::string("c.num_cartao");
  // The small dimensions are broadcast, so the big movimento table is joined where it is read and
  // keeps its partitioning: time slices in order (extract.h). SORT BY then orders each slice within
  // itself, which orders the whole output without a shuffle.
  return "SELECT /*+ BROADCAST(c, co, a) */ "
         "a.nome AS nome_associado, "
         "a.sobrenome AS sobrenome_associado, "
         "a.idade AS idade_associado, "
         "CAST(CAST(m.vlr_transacao AS DECIMAL(12, 2)) AS STRING) AS vlr_transacao_movimento, "
         "m.des_transacao AS des_transacao_movimento, "
         "m.data_movimento AS data_movimento, " +
         card + " AS numero_cartao, "
         "c.nom_impresso AS nome_impresso_cartao, "
         "c.data_criacao AS data_criacao_cartao, "
         "co.tipo AS tipo_conta, "
         "co.data_criacao AS data_criacao_conta "
         "FROM movimento m "
         "JOIN cartao c ON m.id_cartao = c.id "
         "JOIN conta co ON c.id_conta = co.id "
         "JOIN associado a ON co.id_associado = a.id "
         "SORT BY m.data_movimento, m.id";
}

}  // namespace sicoop::pipeline
