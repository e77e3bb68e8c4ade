// The anomaly generator alone (seed/anomalies.h), without a database: its chunks add up, each label
// names a movimento it wrote, a larger share keeps the cards a smaller one chose, and cards issued
// too late for a scenario get none.
#include "seed/anomalies.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/calendar.h"
#include "seed/cooperative.h"

namespace sicoop::seed {
namespace {

using Fields = std::vector<std::string>;

// The rows of every chunk, as text (tab-separated fields, one row a line).
std::vector<Fields> Rows(const AnomalyWriter& writer, bool labels, int fields) {
  std::string text;
  for (int64_t i = 0; i < writer.chunks(); ++i) {
    db::BulkRowWriter out(db::BulkFormat::kText, fields, text);
    if (labels) {
      writer.WriteLabels(i, out);
    } else {
      writer.WriteMovimentos(i, out);
    }
  }
  std::vector<Fields> rows;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    Fields row;
    std::istringstream cells(line);
    for (std::string cell; std::getline(cells, cell, '\t');) row.push_back(cell);
    rows.push_back(row);
  }
  return rows;
}

class AnomalyWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.seed = 9;
    config_.from = ParseWallClock("2024-01-01").value();
    config_.to = ParseWallClock("2025-01-01").value();
    config_.members = 25000;  // some 47000 cards: more than one chunk of chosen cards at 0.1
    LayOutCooperative(config_, 2000, 1, 1, cards_);
  }

  std::set<std::string> LabelledCards(double share) {
    AnomalyWriter writer(config_, cards_, share, 1000001);
    std::set<std::string> cards;
    for (const Fields& label : Rows(writer, true, 3)) cards.insert(label[1]);
    return cards;
  }

  GeneratorConfig config_;
  std::vector<CardRef> cards_;
};

TEST_F(AnomalyWriterTest, ChunksAddUpAndEveryLabelNamesAMovimentoOfItsCard) {
  AnomalyWriter writer(config_, cards_, 0.1, 1000001);
  ASSERT_GT(writer.chunks(), 1) << "several chunks, so that their seams are crossed";
  int64_t sum = 0;
  for (int64_t i = 0; i < writer.chunks(); ++i) sum += writer.RowsIn(i);
  EXPECT_EQ(sum, writer.rows());

  std::vector<Fields> movimentos = Rows(writer, false, 5);
  std::vector<Fields> labels = Rows(writer, true, 3);
  ASSERT_EQ(static_cast<int64_t>(movimentos.size()), writer.rows());
  ASSERT_EQ(labels.size(), movimentos.size());
  std::map<std::string, int> tipos;
  for (size_t i = 0; i < labels.size(); ++i) {
    EXPECT_EQ(movimentos[i][0], std::to_string(1000001 + static_cast<int64_t>(i))) << "ids follow each other";
    EXPECT_EQ(labels[i][0], movimentos[i][0]);
    EXPECT_EQ(labels[i][1], movimentos[i][4]) << "the label's card is the movimento's";
    ++tipos[labels[i][2]];
  }
  EXPECT_EQ(tipos.size(), 3U);
  for (const auto& [tipo, count] : tipos) {
    EXPECT_TRUE(tipo == kCardTesting || tipo == kDistantCities || tipo == kUnusualHourAndAmount) << tipo;
  }
  // About a tenth of the cards.
  std::set<std::string> cards;
  for (const Fields& label : labels) cards.insert(label[1]);
  EXPECT_NEAR(static_cast<double>(cards.size()) / static_cast<double>(cards_.size()), 0.1, 0.02);
}

TEST_F(AnomalyWriterTest, ALargerShareKeepsTheCardsASmallerOneChoseAndZeroChoosesNone) {
  std::set<std::string> few = LabelledCards(0.05), more = LabelledCards(0.2);
  EXPECT_LT(few.size(), more.size());
  for (const std::string& card : few) EXPECT_TRUE(more.count(card)) << card;
  AnomalyWriter none(config_, cards_, 0, 1);
  EXPECT_EQ(none.rows(), 0);
  EXPECT_EQ(none.chunks(), 0);
}

TEST_F(AnomalyWriterTest, CardsIssuedInThePeriodsLastTwoDaysGetNoScenario) {
  std::vector<CardRef> late = {{1, config_.to - kSecondsPerDay}, {2, config_.to - 2 * kSecondsPerDay}};
  AnomalyWriter writer(config_, late, 1.0, 1);  // a share of 1: every card that fits is chosen
  EXPECT_EQ(writer.rows(), 0);
}

}  // namespace
}  // namespace sicoop::seed
