// The style both report pages share: inline CSS (no external asset), A4 print rules (table headers
// repeat on every page; a chart, a summary block or a table row never splits across pages).
#pragma once

namespace sicoop::report {

inline constexpr const char* kPageStyle = R"css(
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 13px; color: #1d2733;
       margin: 24px auto; max-width: 760px; line-height: 1.4; background: #fff; }
header { border-bottom: 3px solid #0b6e4f; margin-bottom: 16px; padding-bottom: 8px; }
h1 { font-size: 22px; margin: 0 0 4px; color: #0b6e4f; }
h2 { font-size: 16px; margin: 22px 0 8px; color: #0b6e4f; border-bottom: 1px solid #c9d6cf; padding-bottom: 3px; }
.muted { color: #5b6773; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
dl.facts dt { color: #5b6773; }
dl.facts dd { margin: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 8px; }
.card { border: 1px solid #c9d6cf; border-radius: 6px; padding: 8px 10px; background: #f4f8f6; }
.card .figure { font-size: 17px; font-weight: bold; }
.card .name { color: #5b6773; font-size: 12px; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #e1e7e4; vertical-align: top; }
th { background: #e8f0ec; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr.refund td { color: #a12a1f; background: #fbefed; }
.tag { display: inline-block; font-size: 10px; font-weight: bold; padding: 0 5px; border-radius: 3px;
       background: #a12a1f; color: #fff; margin-right: 4px; }
.alert { border: 1px solid #a12a1f; background: #fbefed; color: #6d1a13; padding: 8px 10px; border-radius: 6px;
         white-space: pre-wrap; }
.ok { color: #0b6e4f; font-weight: bold; }
.bad { color: #a12a1f; font-weight: bold; }
figure { margin: 8px 0 12px; }
figcaption { font-weight: bold; margin-bottom: 4px; }
svg.chart { max-width: 100%; height: auto; display: block; font-size: 11px; }
svg.chart .bar { fill: #0b6e4f; }
svg.chart .grid { stroke: #e1e7e4; stroke-width: 1; }
svg.chart .axis { stroke: #5b6773; stroke-width: 1; }
svg.chart .tick, svg.chart .axis-name { fill: #5b6773; font-size: 10px; }
svg.chart .label, svg.chart .value { fill: #1d2733; }
svg.chart .empty { fill: #5b6773; font-style: italic; }
footer { margin-top: 24px; font-size: 11px; color: #5b6773; border-top: 1px solid #c9d6cf; padding-top: 6px; }
@media print {
  body { margin: 0; max-width: none; font-size: 11px; }
  thead { display: table-header-group; }
  tr, figure, svg.chart, .cards, dl.facts, .alert { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .card, th, tr.refund td, .tag { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)css";

}  // namespace sicoop::report
