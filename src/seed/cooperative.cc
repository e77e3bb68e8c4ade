#include "seed/cooperative.h"

#include <algorithm>

#include "common/calendar.h"
#include "db/bulk_rows.h"
#include "seed/card_number.h"
#include "seed/person.h"
#include "seed/rng.h"

namespace sicoop::seed {
namespace {

constexpr uint64_t kPlanStream = 2;
constexpr uint64_t kCardStream = 3;
constexpr int64_t kYear = 365 * kSecondsPerDay;

struct CardPlan {
  int64_t created;
  int64_t holder;  // the member whose name the card bears
};

struct AccountPlan {
  bool savings;  // CP (poupança) rather than CC (conta corrente)
  int64_t created;
  int cards;
  CardPlan card[2];
};

struct MemberPlan {
  int accounts;
  AccountPlan account[3];
};

// A member joined at most 20 years ago and not before turning 18; accounts open between joining and
// a month before the end of the period; cards are issued after their account and at least a day
// before the end, so every card can have movimentos.
MemberPlan PlanMember(const GeneratorConfig& config, int64_t member_id) {
  Rng rng(config.seed, kPlanStream, static_cast<uint64_t>(member_id));
  int age = MakePerson(config.seed, member_id).idade;
  int64_t last_opening = config.to - 30 * kSecondsPerDay;
  int64_t years_back = std::min(age - 18, 20);
  int64_t joined = last_opening - rng.Between(0, years_back * kYear + 335 * kSecondsPerDay);
  int64_t last_card = config.to - kSecondsPerDay;

  MemberPlan plan;
  double pick = rng.Unit();
  plan.accounts = pick < 0.55 ? 1 : pick < 0.88 ? 2 : 3;
  for (int a = 0; a < plan.accounts; ++a) {
    AccountPlan& account = plan.account[a];
    account.savings = a == 0 ? rng.Chance(0.1) : rng.Chance(0.6);
    account.created = a == 0 ? joined : rng.Between(joined, last_opening);
    account.cards = 1 + (rng.Chance(account.savings ? 0.1 : 0.35) ? 1 : 0);
    account.card[0] = {std::min(account.created + rng.Between(0, 60 * kSecondsPerDay), last_card), member_id};
    if (account.cards == 2) {
      // A second card is often an additional card for someone else (a spouse, a child who is also
      // a member): another of this run's members, close by in id.
      int64_t holder = member_id;
      if (config.members > 1 && rng.Chance(0.4)) {
        holder = config.first_member + (member_id - config.first_member + rng.Between(1, 5)) % config.members;
        if (holder == member_id) holder = config.first_member + (member_id - config.first_member + 1) % config.members;
      }
      account.card[1] = {rng.Between(account.created, last_card), holder};
    }
  }
  return plan;
}

// Walks the accounts and cards of a chunk's members in id order.
template <typename Visit>
void ForEachAccount(const GeneratorConfig& config, const MemberChunk& chunk, Visit visit) {
  int64_t conta = chunk.first_conta;
  int64_t cartao = chunk.first_cartao;
  for (int64_t m = chunk.first_member; m < chunk.first_member + chunk.members; ++m) {
    MemberPlan plan = PlanMember(config, m);
    for (int a = 0; a < plan.accounts; ++a) {
      visit(m, conta, cartao, plan.account[a]);
      cartao += plan.account[a].cards;
      ++conta;
    }
  }
}

}  // namespace

CooperativeLayout LayOutCooperative(const GeneratorConfig& config, int64_t members_per_chunk, int64_t first_conta,
                                    int64_t first_cartao, std::vector<CardRef>& cards) {
  CooperativeLayout layout;
  int64_t end = config.first_member + config.members;
  for (int64_t first = config.first_member; first < end; first += members_per_chunk) {
    MemberChunk chunk{first, std::min(members_per_chunk, end - first), first_conta + layout.contas,
                      first_cartao + layout.cartoes};
    ForEachAccount(config, chunk, [&](int64_t, int64_t, int64_t cartao, const AccountPlan& account) {
      for (int c = 0; c < account.cards; ++c) cards.push_back({cartao + c, account.card[c].created});
      chunk.cartoes += account.cards;
      ++chunk.contas;
    });
    layout.contas += chunk.contas;
    layout.cartoes += chunk.cartoes;
    layout.chunks.push_back(chunk);
  }
  return layout;
}

// Ids are INTEGER columns; kMaxAssociados keeps every id of a member, account or card inside int32.
int32_t IntegerId(int64_t id) { return static_cast<int32_t>(id); }

// Each writer below writes a row's fields in its table's column order, as db/tables.cc describes
// them (the loader sends that order to the server): a column added there needs a field here.
void WriteAssociados(const GeneratorConfig& config, const MemberChunk& chunk, db::BulkRowWriter& out) {
  for (int64_t m = chunk.first_member; m < chunk.first_member + chunk.members; ++m) {
    Person person = MakePerson(config.seed, m);
    out.Integer(IntegerId(m));
    out.Text(person.nome);
    out.Text(person.sobrenome);
    out.Integer(person.idade);
    if (person.email.empty()) {
      out.Null();
    } else {
      out.Text(person.email);
    }
    out.EndRow();
  }
}

void WriteContas(const GeneratorConfig& config, const MemberChunk& chunk, db::BulkRowWriter& out) {
  ForEachAccount(config, chunk, [&](int64_t member, int64_t conta, int64_t, const AccountPlan& account) {
    out.Integer(IntegerId(conta));
    out.Text(account.savings ? "CP" : "CC");
    out.Timestamp(account.created);
    out.Integer(IntegerId(member));
    out.EndRow();
  });
}

void WriteCartoes(const GeneratorConfig& config, const MemberChunk& chunk, db::BulkRowWriter& out) {
  ForEachAccount(config, chunk, [&](int64_t, int64_t conta, int64_t cartao, const AccountPlan& account) {
    for (int c = 0; c < account.cards; ++c) {
      const CardPlan& card = account.card[c];
      Rng rng(config.seed, kCardStream, static_cast<uint64_t>(cartao + c));
      out.Integer(IntegerId(cartao + c));
      out.Text(MakeCardNumber(rng));
      out.Text(MakePerson(config.seed, card.holder).printed_name);
      out.Timestamp(card.created);
      out.Integer(IntegerId(conta));
      out.Integer(IntegerId(card.holder));
      out.EndRow();
    }
  });
}

}  // namespace sicoop::seed
