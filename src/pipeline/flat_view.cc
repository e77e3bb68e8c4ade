#include "pipeline/flat_view.h"

namespace sicoop::pipeline {
namespace {

// A table of the join under the alias the query gives it. The first is the fact table; each other
// one is joined to the table before it, whose foreign-key column `via` references its primary key.
struct JoinedTable {
  const db::TableDesc& table;
  std::string alias;
  std::string via;
};

const std::vector<JoinedTable>& JoinedTables() {
  static const std::vector<JoinedTable> kTables = {
      {db::Movimento(), "m", ""},
      {db::Cartao(), "c", "id_cartao"},
      {db::Conta(), "co", "id_conta"},
      {db::Associado(), "a", "id_associado"},
  };
  return kTables;
}

std::string Alias(const db::TableDesc& table) {
  for (const JoinedTable& joined : JoinedTables()) {
    if (&joined.table == &table) return joined.alias;
  }
  return table.name;
}

bool IsText(const FlatViewColumn& column) {
  for (const db::ColumnDesc& source : column.table.columns) {
    if (source.name == column.column) return source.type.kind == db::ColumnType::Kind::kVarchar;
  }
  return false;
}

bool IsTimestamp(const FlatViewColumn& column) {
  for (const db::ColumnDesc& source : column.table.columns) {
    if (source.name == column.column) return source.type.kind == db::ColumnType::Kind::kTimestamp;
  }
  return false;
}

std::string AmountText(const std::string& amount, char decimal_mark) {
  // Two fraction digits whatever the source's decimal type: the schema check accepts any scale up
  // to 2 and any precision Spark reads (db/schema.h), so the cast can neither round nor overflow.
  // The text holds one '.', the decimal point, so replacing it is exact.
  std::string text = "CAST(CAST(" + amount + " AS DECIMAL(38, 2)) AS STRING)";
  if (decimal_mark == '.') return text;
  return "replace(" + text + ", '.', '" + std::string(1, decimal_mark) + "')";
}

// A TIMESTAMP_NTZ as 'YYYY-MM-DD HH:MM:SS': its own text cut after the seconds, as the database
// renders it for the direct path, with no time zone involved.
std::string WallClockText(const std::string& timestamp) { return "substr(CAST(" + timestamp + " AS STRING), 1, 19)"; }

std::string Rendered(const FlatViewColumn& column, CardNumberMode mode, char decimal_mark) {
  std::string source = Alias(column.table) + "." + column.column;
  switch (column.rendering) {
    case Rendering::kAsRead:
      return source;
    case Rendering::kAmount:
      return AmountText(source, decimal_mark);
    case Rendering::kCardNumber:
      return mode == CardNumberMode::kMasked ? MaskedCardNumberSql(source) : source;
  }
  return source;
}

std::string SafeIfText(const FlatViewColumn& column, const std::string& rendered, bool spreadsheet_safe) {
  return spreadsheet_safe && IsText(column) ? SpreadsheetSafeSql(rendered) : rendered;
}

std::string SelectItem(const FlatViewColumn& column, CardNumberMode mode, bool spreadsheet_safe, char decimal_mark) {
  return SafeIfText(column, Rendered(column, mode, decimal_mark), spreadsheet_safe);
}

}  // namespace

const std::vector<FlatViewColumn>& FlatViewColumns() {
  static const std::vector<FlatViewColumn> kColumns = {
      {"nome_associado", db::Associado(), "nome", Rendering::kAsRead},
      {"sobrenome_associado", db::Associado(), "sobrenome", Rendering::kAsRead},
      {"idade_associado", db::Associado(), "idade", Rendering::kAsRead},
      {"vlr_transacao_movimento", db::Movimento(), "vlr_transacao", Rendering::kAmount},
      {"des_transacao_movimento", db::Movimento(), "des_transacao", Rendering::kAsRead},
      {"data_movimento", db::Movimento(), "data_movimento", Rendering::kAsRead},
      {"numero_cartao", db::Cartao(), "num_cartao", Rendering::kCardNumber},
      {"nome_impresso_cartao", db::Cartao(), "nom_impresso", Rendering::kAsRead},
      {"data_criacao_cartao", db::Cartao(), "data_criacao", Rendering::kAsRead},
      {"tipo_conta", db::Conta(), "tipo", Rendering::kAsRead},
      {"data_criacao_conta", db::Conta(), "data_criacao", Rendering::kAsRead},
  };
  return kColumns;
}

bool FlatViewReads(const db::TableDesc& table, const std::string& column) {
  if (column == table.primary_key || column == table.time_column) return true;
  for (const FlatViewColumn& output : FlatViewColumns()) {
    if (&output.table == &table && output.column == column) return true;
  }
  const auto& joined = JoinedTables();
  for (size_t i = 1; i < joined.size(); ++i) {
    if (&joined[i - 1].table == &table && joined[i].via == column) return true;
  }
  return false;
}

std::string FlatViewHeader(char delimiter) {
  std::string header;
  for (const FlatViewColumn& column : FlatViewColumns()) {
    if (!header.empty()) header += delimiter;
    header += column.name;
  }
  return header;
}

std::string MaskedCardNumberSql(const std::string& column) {
  // greatest() keeps numbers of four characters or fewer as they are (repeat of 0 is '').
  return "concat(repeat('*', greatest(char_length(" + column + ") - 4, 0)), right(" + column +
         ", 4))";
}

std::string SpreadsheetSafeSql(const std::string& text) {
  // chr() rather than escapes in literals: the text means the same whatever the session's setting
  // of spark.sql.parser.escapedStringLiterals.
  return "CASE WHEN substr(" + text + ", 1, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN concat(chr(39), " +
         text + ") ELSE " + text + " END";
}

std::string FlatViewSql(CardNumberMode mode, bool spreadsheet_safe, char decimal_mark) {
  const auto& joined = JoinedTables();
  const JoinedTable& fact = joined.front();
  // The small dimensions are broadcast, so the big fact table is joined where it is read and keeps
  // its partitioning: time slices in order (extract.h). SORT BY then orders each slice within
  // itself, which orders the whole output without a shuffle.
  std::string broadcast;
  for (size_t i = 1; i < joined.size(); ++i) broadcast += (i == 1 ? "" : ", ") + joined[i].alias;
  std::string select;
  for (const FlatViewColumn& column : FlatViewColumns()) {
    select += (select.empty() ? "" : ", ") + SelectItem(column, mode, spreadsheet_safe, decimal_mark) + " AS " + column.name;
  }
  const std::string from = "FROM " + FlatViewJoinSql([](const db::TableDesc& table) { return table.name; });
  return "SELECT /*+ BROADCAST(" + broadcast + ") */ " + select + " " + from + " SORT BY " + fact.alias + "." +
         fact.table.time_column + ", " + fact.alias + "." + fact.table.primary_key;
}

std::string FlatViewJoinSql(const std::function<std::string(const db::TableDesc&)>& name_of, const std::string& join) {
  const auto& joined = JoinedTables();
  std::string from = name_of(joined.front().table) + " " + joined.front().alias;
  for (size_t i = 1; i < joined.size(); ++i) {
    from += " " + join + " " + name_of(joined[i].table) + " " + joined[i].alias + " ON " + joined[i - 1].alias + "." +
            joined[i].via + " = " + joined[i].alias + "." + joined[i].table.primary_key;
  }
  return from;
}

std::string FlatViewAlias(const db::TableDesc& table) { return Alias(table); }

std::string FlatViewOfTableSql(const std::string& table, const std::string& id_column,
                               const std::vector<std::string>& time_ranges, bool spreadsheet_safe, char decimal_mark) {
  std::string select, names, time_name, time_text;
  for (const FlatViewColumn& column : FlatViewColumns()) {
    std::string rendered = column.name;
    if (column.rendering == Rendering::kAmount) rendered = AmountText(column.name, decimal_mark);
    if (IsTimestamp(column)) rendered = WallClockText(column.name);
    if (&column.table == &db::Movimento() && column.column == db::Movimento().time_column) {
      time_name = column.name;
      time_text = rendered;
    }
    select += (select.empty() ? "" : ", ") + SafeIfText(column, rendered, spreadsheet_safe) + " AS " + column.name;
    names += (names.empty() ? "" : ", ") + column.name;
  }
  // The file's order is that of data_movimento's text, cut to the second; within a range the text
  // is sorted as rendered, not rendered again at each comparison.
  if (time_ranges.empty()) return "SELECT " + select + " FROM " + table + " ORDER BY " + time_text + ", " + id_column;
  const std::string order = time_name + ", " + id_column;
  std::string ranges;
  for (const std::string& range : time_ranges) {
    ranges += std::string(ranges.empty() ? "" : " UNION ALL ") + "(SELECT /*+ COALESCE(1) */ " + select + ", " +
              id_column + " FROM " + table + " WHERE " + range + ")";
  }
  return "SELECT " + names + " FROM (" + ranges + ") AS ranges SORT BY " + order;
}

}  // namespace sicoop::pipeline
