// The fictitious members (associados): Brazilian names with their accents, drawn from weighted lists
// written for sicoop (roughly following how common each name is in Brazil), plausible ages and
// e-mail addresses. A person is a pure function of (seed, member id).
#pragma once

#include <cstdint>
#include <string>

namespace sicoop::seed {

struct Person {
  std::string nome;          // one first name, sometimes a compound one ("Maria Eduarda")
  std::string sobrenome;     // one or two family names ("Souza", "Araújo Lima")
  int idade = 0;             // 18..90, mode in the thirties, thinning out after 65
  std::string email;         // ASCII, lower case; empty for about a quarter of the members (NULL)
  std::string printed_name;  // what a card embosses: upper-case ASCII, at most 26 characters
};

Person MakePerson(uint64_t seed, int64_t member_id);

// `text` with Portuguese accented letters replaced by their base letters (UTF-8 in, ASCII out).
std::string FoldAccents(const std::string& text);

}  // namespace sicoop::seed
