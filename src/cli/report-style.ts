/**
 * What Vigil's HTML reports share (the scan report and the network report): the look —
 * colours, type, layout, cards, tables; each report adds its own rules after these — and how
 * numbers are written.
 */

/** A whole number with thousands separators; '–' when not a number. */
export function fmtInt(n: number): string {
  if (!Number.isFinite(n)) return '–';
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** part / whole as a percentage with one decimal; '< 0.1%' for a tiny non-zero share. */
export function pct(part: number, whole: number): string {
  if (whole <= 0) return '–';
  const p = (100 * part) / whole;
  return `${p > 0 && p < 0.1 ? '< 0.1' : p.toFixed(1)}%`;
}

export const BASE_CSS = `
:root{--fg:#1d2433;--muted:#5a6478;--line:#dfe3ea;--bg:#fff;--soft:#f5f7fa;
--high:#b42318;--high-bg:#fef3f2;--medium:#b54708;--medium-bg:#fffaeb;--low:#067647;--low-bg:#ecfdf3;
--mark:#fff1a8;--accent:#1f4fa3}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
main{max-width:1120px;margin:0 auto;padding:28px 20px 48px}
h1{font-size:1.7rem;margin:0 0 8px;letter-spacing:-.01em}
h2{font-size:1.2rem;margin:36px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h2 .count{font-weight:400;color:var(--muted);font-size:.9rem}
code{font:.86em/1.3 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
a{color:var(--accent)}
.meta{color:var(--muted);margin:0}
dl.meta{display:flex;flex-wrap:wrap;gap:4px 22px;margin:0 0 18px}
dl.meta div{display:flex;gap:6px}dl.meta dt{font-weight:600}dl.meta dd{margin:0;overflow-wrap:anywhere}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px;background:var(--soft)}
.card .num{font-size:1.5rem;font-weight:650;font-variant-numeric:tabular-nums}
.card .label{color:var(--muted);font-size:.88rem}.card .note{font-size:.82rem;color:var(--muted)}
svg .axis{stroke:#98a2b3;stroke-width:1}
.legend{color:var(--muted);font-size:.86rem}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;background:var(--soft)}
tbody tr:nth-child(even){background:#fafbfc}
.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.empty{color:var(--muted);font-style:italic}
.badge{display:inline-block;border-radius:999px;padding:1px 10px;font-size:.82rem;font-weight:650;white-space:nowrap;font-variant-numeric:tabular-nums}
.badge.high{background:var(--high-bg);color:var(--high)}.badge.medium{background:var(--medium-bg);color:var(--medium)}.badge.low{background:var(--low-bg);color:var(--low)}
.gap{color:var(--muted)}
footer{margin-top:40px;color:var(--muted);font-size:.84rem;border-top:1px solid var(--line);padding-top:10px}
@media (max-width:600px){main{padding:16px 12px}.cards{grid-template-columns:repeat(2,1fr)}}
@media print{body{font-size:10.5pt}main{max-width:none;padding:0}
`;
