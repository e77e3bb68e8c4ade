#include "report/member_page.h"

namespace sicoop::report {

std::string MemberPageHtml(const MemberReport& report) {
  return "<!DOCTYPE html><html lang=\"pt-BR\"><head><meta charset=\"utf-8\"><title>" + report.id_associado +
         "</title></head><body></body></html>\n";
}

}  // namespace sicoop::report
