#include "common/merchant_catalog.h"

namespace sicoop {
namespace {

constexpr CatalogMerchant kMercado[] = {
    {"Supermercado Bom Preço", 5}, {"Atacadão", 4},      {"Carrefour", 4},     {"Assaí Atacadista", 4},
    {"Mercado São Jorge", 3},      {"Hortifruti Família", 2}, {"Pão de Açúcar", 3}, {"Supermercados Irmãos Müller", 2}};
constexpr CatalogMerchant kFarmacia[] = {{"Drogaria São Paulo", 4},         {"Droga Raia", 5},  {"Drogasil", 5},
                                         {"Farmácia Popular do Brasil", 2}, {"Pague Menos", 3}, {"Farmácia Preço Justo", 2}};
constexpr CatalogMerchant kPosto[] = {{"Posto Ipiranga", 5}, {"Posto Shell", 4}, {"Auto Posto Petrobras BR", 5},
                                      {"Posto Ale", 2},      {"Auto Posto São Cristóvão", 2}};
constexpr CatalogMerchant kRestaurante[] = {{"Churrascaria Gaúcha", 3},     {"Restaurante Sabor Caseiro", 4},
                                            {"Cantina Italiana Nonna", 2},  {"Outback Steakhouse", 2},
                                            {"Temakeria Japa", 2},          {"Restaurante Fogão a Lenha", 3}};
constexpr CatalogMerchant kLanchonete[] = {{"Padaria Pão Quente", 5}, {"Lanchonete do Zé", 3},   {"McDonald's", 4},
                                           {"Burger King", 3},        {"Café & Cia", 2},         {"Pastelaria Japonesa", 2},
                                           {"Açaí da Praça", 2}};
constexpr CatalogMerchant kTransporte[] = {
    {"Uber *Trip", 6}, {"99 Corridas", 4}, {"Pedágio Sem Parar", 2}, {"Estacionamento Centro", 2}};
constexpr CatalogMerchant kEcommerce[] = {{"Mercado Livre", 6}, {"Amazon.com.br", 5},     {"Magazine Luiza", 4},
                                          {"Shopee", 4},        {"Americanas.com", 2},    {"Casas Bahia Online", 2},
                                          {"iFood", 5}};
constexpr CatalogMerchant kAssinatura[] = {{"Netflix.com", 5}, {"Spotify", 4},        {"Amazon Prime", 3}, {"Globoplay", 2},
                                           {"Disney+", 2},     {"Claro Internet", 2}, {"Vivo Fibra", 2}};
constexpr CatalogMerchant kVestuario[] = {{"Renner", 4},   {"C&A", 3},   {"Riachuelo", 3},
                                          {"Centauro", 2}, {"Hering", 2}, {"Calçados Bibi", 1}};
constexpr CatalogMerchant kCasa[] = {{"Leroy Merlin", 3},        {"Tumelero Materiais", 2}, {"Madeireira São José", 2},
                                     {"Tok&Stok", 1},            {"Ferragens Três Irmãos", 2}};

constexpr MerchantCategory kCategories[] = {
    {"mercado", "mercado", kMercado},
    {"farmácia", "farmacia", kFarmacia},
    {"posto", "posto", kPosto},
    {"restaurante", "restaurante", kRestaurante},
    {"lanchonete", "lanchonete", kLanchonete},
    {"transporte", "transporte", kTransporte},
    {"e-commerce", "e_commerce", kEcommerce},
    {"assinatura", "assinatura", kAssinatura},
    {"vestuário", "vestuario", kVestuario},
    {"casa e construção", "casa_e_construcao", kCasa},
};

}  // namespace

std::span<const MerchantCategory> MerchantCatalog() { return kCategories; }

}  // namespace sicoop
