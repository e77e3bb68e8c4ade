#include "seed/person.h"

#include <cctype>
#include <string_view>

#include "seed/rng.h"
#include "seed/weighted_list.h"

namespace sicoop::seed {
namespace {

constexpr uint64_t kPersonStream = 1;

using Names = WeightedList<std::string_view>;

const Names kFemaleNames = {
    {"Maria", 120}, {"Ana", 80},      {"Francisca", 20}, {"Antônia", 18},  {"Adriana", 16},  {"Juliana", 16},
    {"Márcia", 14}, {"Fernanda", 16}, {"Patrícia", 15},  {"Aline", 14},    {"Sandra", 12},   {"Camila", 15},
    {"Amanda", 13}, {"Bruna", 13},    {"Jéssica", 13},   {"Letícia", 12},  {"Júlia", 13},    {"Luciana", 11},
    {"Vanessa", 11}, {"Mariana", 12}, {"Gabriela", 12},  {"Vera", 8},      {"Vitória", 9},   {"Larissa", 10},
    {"Cláudia", 10}, {"Beatriz", 11}, {"Rita", 7},       {"Luana", 8},     {"Sônia", 8},     {"Renata", 9},
    {"Eliane", 8},   {"Josefa", 7},   {"Simone", 8},     {"Natália", 9},   {"Cristiane", 8}, {"Carla", 8},
    {"Débora", 7},   {"Rosângela", 6}, {"Jaqueline", 6}, {"Lúcia", 7},     {"Helena", 8},    {"Alice", 7},
    {"Valentina", 5}, {"Heloísa", 5}, {"Lívia", 5},      {"Cecília", 4},   {"Raíssa", 4},    {"Tânia", 5},
    {"Conceição", 4}, {"Aparecida", 6}, {"Graça", 3},    {"Inês", 3},      {"Glória", 3},    {"Thaís", 5},
};

const Names kMaleNames = {
    {"José", 110},   {"João", 80},     {"Antônio", 50},  {"Francisco", 35}, {"Carlos", 30},   {"Paulo", 28},
    {"Pedro", 25},   {"Lucas", 24},    {"Luiz", 22},     {"Marcos", 22},    {"Luís", 14},     {"Gabriel", 20},
    {"Rafael", 18},  {"Daniel", 16},   {"Marcelo", 16},  {"Bruno", 15},     {"Eduardo", 14},  {"Felipe", 14},
    {"Raimundo", 12}, {"Rodrigo", 13}, {"Fábio", 11},    {"Sérgio", 10},    {"André", 12},    {"Tiago", 8},
    {"Thiago", 9},   {"Leonardo", 10}, {"Vinícius", 9},  {"Gustavo", 10},   {"Diego", 8},     {"Matheus", 10},
    {"Guilherme", 10}, {"Ricardo", 9}, {"Alexandre", 9}, {"Fernando", 9},   {"Roberto", 8},   {"Jorge", 7},
    {"Edson", 6},    {"Sebastião", 7}, {"Benedito", 4},  {"Otávio", 4},     {"Cauã", 4},      {"Enzo", 4},
    {"Heitor", 4},   {"Davi", 5},      {"Arthur", 6},    {"Théo", 3},       {"Bernardo", 4},  {"Joaquim", 4},
    {"Vitor", 6},    {"Caio", 5},      {"Márcio", 7},    {"Cícero", 4},     {"Lázaro", 2},    {"Ângelo", 3},
};

// Second names of compound first names ("Maria Eduarda", "João Pedro").
const Names kFemaleSecondNames = {{"Eduarda", 5}, {"Clara", 5}, {"Luísa", 4}, {"Fernanda", 3},
                                  {"de Fátima", 4}, {"Aparecida", 3}, {"Júlia", 3}, {"Cecília", 2}};
const Names kMaleSecondNames = {{"Pedro", 5}, {"Carlos", 4}, {"Paulo", 4}, {"Vítor", 3},
                                {"Miguel", 4}, {"Henrique", 4}, {"Luís", 3}, {"Gabriel", 3}};

const Names kSurnames = {
    {"Silva", 120},    {"Santos", 80},   {"Oliveira", 60}, {"Souza", 55},      {"Rodrigues", 35}, {"Ferreira", 33},
    {"Alves", 32},     {"Pereira", 31},  {"Lima", 30},     {"Gomes", 26},      {"Costa", 24},     {"Ribeiro", 23},
    {"Martins", 22},   {"Carvalho", 21}, {"Almeida", 20},  {"Lopes", 18},      {"Soares", 17},    {"Fernandes", 16},
    {"Vieira", 16},    {"Barbosa", 15},  {"Rocha", 14},    {"Dias", 14},       {"Nascimento", 13}, {"Andrade", 12},
    {"Moreira", 12},   {"Nunes", 11},    {"Marques", 11},  {"Machado", 10},    {"Mendes", 10},    {"Freitas", 10},
    {"Cardoso", 9},    {"Ramos", 9},     {"Gonçalves", 12}, {"Santana", 8},    {"Teixeira", 8},   {"Araújo", 14},
    {"Conceição", 7},  {"Magalhães", 5}, {"Brandão", 4},   {"Simões", 4},      {"Guimarães", 5},  {"Falcão", 3},
    {"Leão", 3},       {"Assunção", 3},  {"Estêvão", 2},   {"Sá", 3},          {"Müller", 3},     {"Schmidt", 3},
    {"Schneider", 2},  {"Zanella", 2},   {"Bortolini", 2}, {"Nóbrega", 3},     {"Veríssimo", 2},  {"Sampaio", 4},
    {"Monteiro", 6},   {"Cavalcanti", 5}, {"Figueiredo", 5}, {"D'Ávila", 2},   {"Tavares", 6},    {"Batista", 7},
};

const Names kEmailDomains = {{"gmail.com", 50},     {"hotmail.com", 18}, {"outlook.com", 9}, {"yahoo.com.br", 9},
                             {"uol.com.br", 5},     {"bol.com.br", 4},   {"terra.com.br", 3}, {"icloud.com", 2}};

// Age bands of adult members, (first age, last age) with a weight: most members are between 25 and
// 55, few are past 75.
const WeightedList<std::pair<int, int>> kAgeBands = {{{18, 24}, 9},  {{25, 34}, 21}, {{35, 44}, 22},
                                                     {{45, 54}, 19}, {{55, 64}, 15}, {{65, 74}, 9},
                                                     {{75, 84}, 4},  {{85, 90}, 1}};

int PickAge(Rng& rng) {
  auto [first, last] = kAgeBands.Pick(rng);
  return static_cast<int>(rng.Between(first, last));
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// Letters and dots only: "D'Ávila Souza" -> "davilasouza".
std::string EmailPart(const std::string& text) {
  std::string out;
  for (char c : Lower(FoldAccents(text))) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += c;
  }
  return out;
}

// Embossed names are upper-case ASCII without punctuation, cut at 26 characters.
std::string PrintedName(const std::string& first, const std::string& last_surname) {
  std::string printed = Upper(FoldAccents(first + " " + last_surname));
  for (char& c : printed) {
    if (c == '\'') c = ' ';
  }
  return printed.substr(0, 26);
}

}  // namespace

std::string FoldAccents(const std::string& text) {
  // Base letters of U+00C0..U+00FF (the Latin-1 letters Portuguese uses), '?' where there is none.
  static constexpr char kBase[] = "AAAAAAACEEEEIIII?NOOOOO?OUUUUY??aaaaaaaceeeeiiii?nooooo?ouuuuy?y";
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte == 0xC3 && i + 1 < text.size()) {
      auto next = static_cast<unsigned char>(text[++i]);
      out += kBase[(next - 0x80) & 0x3F];
    } else if (byte < 0x80) {
      out += static_cast<char>(byte);
    }
  }
  return out;
}

Person MakePerson(uint64_t seed, int64_t member_id) {
  Rng rng(seed, kPersonStream, static_cast<uint64_t>(member_id));
  Person person;
  bool female = rng.Chance(0.52);
  std::string first(female ? kFemaleNames.Pick(rng) : kMaleNames.Pick(rng));
  person.nome = first;
  if (rng.Chance(0.08)) person.nome += " " + std::string(female ? kFemaleSecondNames.Pick(rng) : kMaleSecondNames.Pick(rng));
  std::string last(kSurnames.Pick(rng));
  person.sobrenome = last;
  if (rng.Chance(0.45)) {
    std::string_view second = kSurnames.Pick(rng);
    if (second != last) {
      person.sobrenome = std::string(second) + " " + last;
    }
  }
  person.idade = PickAge(rng);
  person.printed_name = PrintedName(first, last);
  if (rng.Chance(0.76)) {
    person.email = EmailPart(first) + (rng.Chance(0.5) ? "." : "") + EmailPart(last);
    if (rng.Chance(0.6)) person.email += std::to_string(rng.Between(1, 99));
    person.email += "@" + std::string(kEmailDomains.Pick(rng));
  }
  return person;
}

}  // namespace sicoop::seed
