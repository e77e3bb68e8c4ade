// Labelled anomalies that resemble card fraud, injected by `sicoop db seed --anomalies SHARE` as
// ground truth for the data-science team's models. About SHARE of the cards get one scenario each:
//  - card_testing: a burst of 5-12 small purchases (R$ 1.00-9.99) at one online merchant within
//    10 minutes, as a fraudster checks that a stolen number works;
//  - cidades_distantes: two or three in-person purchases in different cities, 2-20 minutes apart,
//    which one card in one pocket cannot make;
//  - hora_valor_incomum: one or two in-person purchases of R$ 2,000.00-9,000.00 between 1h and 4h.
// The injected rows are ordinary movimentos (the same description format, merchants and cities);
// only their labels, rows of movimento_anomalia, tell them apart. Their ids follow the run's
// ordinary movimentos, card by card; their times fall inside the period, after the card's issue.
//
// What a card gets is a pure function of (seed, its id and issue time, the period, SHARE), so the
// rows are the same for any number of threads or batch size.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "db/bulk_rows.h"
#include "seed/cooperative.h"

namespace sicoop::seed {

// The largest --anomalies share: beyond half of the cards, anomalies would be the norm.
constexpr double kMaxAnomalyShare = 0.5;

// movimento_anomalia.tipo of each scenario.
inline constexpr std::string_view kCardTesting = "card_testing";
inline constexpr std::string_view kDistantCities = "cidades_distantes";
inline constexpr std::string_view kUnusualHourAndAmount = "hora_valor_incomum";

class AnomalyWriter {
 public:
  // Chooses the cards of `cards` that get a scenario and numbers their movimentos from `first_id`.
  // A card qualifies when it is usable at least two days before config.to (room for any scenario).
  // `cards` is referenced, not copied; holds 16 bytes per chosen card.
  AnomalyWriter(const GeneratorConfig& config, const std::vector<CardRef>& cards, double share, int64_t first_id);

  int64_t rows() const { return rows_; }  // injected movimentos (and labels)
  int64_t chunks() const;                 // the units Write* split the rows into
  int64_t RowsIn(int64_t chunk) const;

  // The movimento rows of `chunk`, in movimento's column order (db/tables.cc), ids ascending.
  void WriteMovimentos(int64_t chunk, db::BulkRowWriter& out) const;
  // Their labels, in movimento_anomalia's column order: id_movimento, id_cartao, tipo.
  void WriteLabels(int64_t chunk, db::BulkRowWriter& out) const;

 private:
  struct Chosen {
    int64_t card;      // index into cards_
    int64_t first_id;  // of its injected movimentos
  };

  const GeneratorConfig& config_;
  const std::vector<CardRef>& cards_;
  std::vector<Chosen> chosen_;
  int64_t first_id_, rows_ = 0;
};

}  // namespace sicoop::seed
