// The seed generator without a database: Luhn, names, determinism across threads and batches.
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "common/calendar.h"
#include "db/bulk_rows.h"
#include "seed/card_number.h"
#include "seed/cooperative.h"
#include "seed/movimentos.h"
#include "seed/parallel_chunks.h"
#include "seed/person.h"

namespace sicoop::seed {
namespace {

using db::BulkFormat;
using db::BulkRowWriter;

TEST(CardNumberTest, SixteenDigitsWithBrandPrefixesPassingLuhn) {
  EXPECT_TRUE(PassesLuhn("4111111111111111"));
  EXPECT_TRUE(PassesLuhn("5500000000000004"));
  EXPECT_FALSE(PassesLuhn("4111111111111112"));
  EXPECT_FALSE(PassesLuhn("41111111111a1111"));
  std::set<char> brands;
  for (uint64_t id = 0; id < 5000; ++id) {
    Rng rng(9, 3, id);
    std::string number = MakeCardNumber(rng);
    ASSERT_EQ(number.size(), 16u) << number;
    ASSERT_TRUE(PassesLuhn(number)) << number;
    brands.insert(number[0]);
  }
  EXPECT_EQ(brands, (std::set<char>{'2', '4', '5', '6'}));
}

TEST(PersonTest, NamesWithAccentsAgesInRangeAsciiEmails) {
  int accented = 0, with_email = 0, compound = 0;
  double age_sum = 0;
  const int n = 5000;
  for (int id = 1; id <= n; ++id) {
    Person p = MakePerson(3, id);
    ASSERT_GE(p.idade, 18);
    ASSERT_LE(p.idade, 90);
    age_sum += p.idade;
    ASSERT_FALSE(p.nome.empty());
    ASSERT_FALSE(p.sobrenome.empty());
    ASSERT_LE(p.printed_name.size(), 26u);
    for (char c : p.printed_name + p.email) ASSERT_TRUE(static_cast<unsigned char>(c) < 0x80) << p.printed_name << p.email;
    if (FoldAccents(p.nome + p.sobrenome) != p.nome + p.sobrenome) ++accented;
    if (!p.email.empty()) ++with_email;
    if (p.nome.find(' ') != std::string::npos) ++compound;
  }
  EXPECT_GT(accented, n / 5);
  EXPECT_NEAR(with_email, n * 0.76, n * 0.04);
  EXPECT_NEAR(compound, n * 0.08, n * 0.02);
  EXPECT_NEAR(age_sum / n, 44, 4);
  EXPECT_EQ(FoldAccents("Conceição Ávila Müller"), "Conceicao Avila Muller");
}

// A person depends on (seed, id) alone: asked again after thousands of others, the same person; with
// another seed, mostly other people.
TEST(PersonTest, SamePersonForTheSameSeedAndIdWhateverCameBefore) {
  auto all_fields = [](const Person& p) {
    return p.nome + "|" + p.sobrenome + "|" + std::to_string(p.idade) + "|" + p.email + "|" + p.printed_name;
  };
  const std::string first = all_fields(MakePerson(3, 17));
  int other_seed_differs = 0;
  for (int id = 1; id <= 2000; ++id) {
    if (all_fields(MakePerson(4, id)) != all_fields(MakePerson(3, id))) ++other_seed_differs;
  }
  EXPECT_EQ(all_fields(MakePerson(3, 17)), first);
  EXPECT_GT(other_seed_differs, 1900);
}

// Everything the generator writes for a config in `format`, through ParallelChunks with the given
// threads.
std::string Generate(BulkFormat format, int threads, int64_t members_per_chunk, int64_t batch) {
  GeneratorConfig config;
  config.seed = 42;
  config.from = *ParseWallClock("2024-01-01");
  config.to = *ParseWallClock("2024-07-01");
  config.members = 300;
  std::vector<CardRef> cards;
  CooperativeLayout layout = LayOutCooperative(config, members_per_chunk, 1, 1, cards);
  std::string all;
  auto drain = [&](int64_t chunks, int fields, std::function<void(int64_t, BulkRowWriter&)> write) {
    ParallelChunks parallel(chunks, threads, [&](int64_t i, std::string& out) {
      BulkRowWriter writer(format, fields, out);
      write(i, writer);
    });
    std::string chunk;
    while (parallel.Next(chunk)) all += chunk;
  };
  auto n = static_cast<int64_t>(layout.chunks.size());
  drain(n, 5, [&](int64_t i, BulkRowWriter& out) { WriteAssociados(config, layout.chunks[i], out); });
  drain(n, 4, [&](int64_t i, BulkRowWriter& out) { WriteContas(config, layout.chunks[i], out); });
  drain(n, 6, [&](int64_t i, BulkRowWriter& out) { WriteCartoes(config, layout.chunks[i], out); });
  const int64_t total = 20000;
  MovimentoWriter movimentos(config, cards, 1, total);
  drain((total + batch - 1) / batch, 5, [&](int64_t i, BulkRowWriter& out) {
    movimentos.Write(1 + i * batch, std::min(batch, total - i * batch), out);
  });
  return all;
}

TEST(GeneratorTest, SameSeedSameBytesForAnyThreadsAndChunkSizes) {
  for (BulkFormat format : {BulkFormat::kText, BulkFormat::kPostgresBinary}) {
    std::string one = Generate(format, 1, 300, 20000);
    EXPECT_EQ(one, Generate(format, 4, 7, 333));
    EXPECT_EQ(one, Generate(format, 2, 50, 1));
    if (format == BulkFormat::kText) {
      EXPECT_GT(std::count(one.begin(), one.end(), '\n'), 20000 + 300);
    }
  }
}

TEST(ParallelChunksTest, AbandonedEarlyStopsCleanly) {
  ParallelChunks parallel(1000, 3, [](int64_t i, std::string& out) { out = std::to_string(i); });
  std::string chunk;
  ASSERT_TRUE(parallel.Next(chunk));
  EXPECT_EQ(chunk, "0");
  ASSERT_TRUE(parallel.Next(chunk));
  EXPECT_EQ(chunk, "1");
}

}  // namespace
}  // namespace sicoop::seed
