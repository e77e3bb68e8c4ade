// The shape of the fictitious cooperative: each member (associado) has 1-3 accounts (conta, CC or
// CP), each account 1-2 cards (cartao); some second cards are additional cards held by another
// member. Everything about a member is a pure function of (seed, member id), so the rows of any
// range of members can be written independently, on any thread, in any order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/bulk_rows.h"

namespace sicoop::seed {

// The parameters every generated row depends on.
struct GeneratorConfig {
  uint64_t seed = 0;
  int64_t from = 0;          // movimentos happen in [from, to) (wall-clock seconds, see common/calendar.h)
  int64_t to = 0;
  int64_t first_member = 1;  // the new members of this run are [first_member, first_member + members)
  int64_t members = 0;
};

// A card movimentos may use: its id and creation time (no movimento precedes it).
struct CardRef {
  int64_t id;
  int64_t created;
};

// A run of consecutive new members and the first account and card ids that belong to them.
struct MemberChunk {
  int64_t first_member, members;
  int64_t first_conta, first_cartao;
  int64_t contas = 0, cartoes = 0;  // how many the chunk's members hold
};

// The new members cut into chunks of `members_per_chunk`, the number of accounts and cards they
// hold, and their cards (appended to `cards`). Costs one pass over the members, O(members) time and
// 16 bytes per card of memory. Account and card ids start at the given first ids.
struct CooperativeLayout {
  std::vector<MemberChunk> chunks;
  int64_t contas = 0, cartoes = 0;
};
CooperativeLayout LayOutCooperative(const GeneratorConfig& config, int64_t members_per_chunk, int64_t first_conta,
                                    int64_t first_cartao, std::vector<CardRef>& cards);

// Write the rows of one chunk's members, accounts or cards.
void WriteAssociados(const GeneratorConfig& config, const MemberChunk& chunk, db::BulkRowWriter& out);
void WriteContas(const GeneratorConfig& config, const MemberChunk& chunk, db::BulkRowWriter& out);
void WriteCartoes(const GeneratorConfig& config, const MemberChunk& chunk, db::BulkRowWriter& out);

}  // namespace sicoop::seed
