import { describe, expect, it } from "vitest";
import { compareEvaluations, comparisonLegend } from "../src/index.js";

const q = Array.from({ length: 10 }, (_, i) => `q${i}`);
const a = q.map((_, i) => 0.3 + (i % 3) / 10);
const values = (xs: number[]) => ({ queries: q, values: new Map([["nDCG@10", xs], ["R@100", xs]]) });
const cmp = compareEvaluations(
  new Map([
    ["bm25_k1", values(a)],
    ["up|dense", values(a.map((v, i) => v + 0.1 + (i % 2) / 100))],
    ["<down>", values(a.map((v, i) => v - 0.2 - (i % 4) / 100))],
  ]),
  ["nDCG@10", "R@100"],
  { baseline: "bm25_k1" },
);

describe("comparison renderings", () => {
  it("Markdown: long layout with every statistic, escaped pipes, and the legend", () => {
    const md = cmp.toMarkdown();
    const lines = md.split("\n");
    expect(lines[0]).toBe("|system|measure|n|mean|Δ|95% CI|p (t)|p (t, Holm)|p (randomization)|p (randomization, Holm)|sig|");
    expect(lines[2]).toBe("|bm25_k1 (baseline)|nDCG@10|10|0.3900|–|–|–|–|–|–||");
    expect(lines[4]).toMatch(/^\|up\\\|dense\|nDCG@10\|10\|0\.4950\|\+0\.1050\|\[\+0\.\d{4}, \+0\.\d{4}\]\|[0-9.e-]+\|[0-9.e-]+\|0\.0020\|0\.0039\|▲†‡\|$/);
    expect(md).toContain("▲ above / ▼ below the baseline bm25_k1");
    expect(md).toContain("after Holm correction over the 2 comparisons of each measure per test");
    expect(md).toContain("n = 10 queries evaluated for every system.");
  });

  it("Markdown wide layout: one column per measure, means with direction markers", () => {
    const md = cmp.toMarkdown({ layout: "wide", legend: false });
    expect(md).toBe(
      "|system|nDCG@10|R@100|\n|:--|--:|--:|\n|bm25_k1 (baseline)|0.3900|0.3900|\n|up\\|dense|0.4950▲†‡|0.4950▲†‡|\n|<down>|0.1770▼†‡|0.1770▼†‡|\n",
    );
  });

  it("LaTeX: booktabs, escaped names, markers as a math superscript, the legend as caption", () => {
    const tex = cmp.toLatex({ layout: "wide" });
    expect(tex).toContain("\\begin{tabular}{lrr}");
    expect(tex).toContain("bm25\\_k1 (baseline) & 0.3900 & 0.3900 \\\\");
    expect(tex).toContain("up|dense & 0.4950$^{\\blacktriangle\\dagger\\ddagger}$ & 0.4950$^{\\blacktriangle\\dagger\\ddagger}$ \\\\");
    expect(tex).toContain("0.1770$^{\\blacktriangledown\\dagger\\ddagger}$");
    expect(tex).toMatch(/\\caption\{\$\\blacktriangle\$ above \/ \$\\blacktriangledown\$ below the baseline bm25\\_k1, significant \(two-sided p \$\\le\$ 0\.05/);
    expect(cmp.toLatex()).toContain("95\\% CI");
  });

  it("HTML: escaped cells and the legend as caption", () => {
    const html = cmp.toHtml({ layout: "wide" });
    expect(html).toContain("<td>&lt;down&gt;</td><td>0.1770▼†‡</td>");
    expect(html).toContain(`<caption>${comparisonLegend(cmp).replace(/&/g, "&amp;")}</caption>`);
  });

  it("the legend names the correction family and the left-out queries", () => {
    const all = compareEvaluations(new Map([["a", values(a)], ["b", { queries: [...q, "extra"], values: new Map([["nDCG@10", [...a, 1]], ["R@100", [...a, 1]]]) }]]), ["nDCG@10", "R@100"], { family: "all", correction: "holm" });
    expect(comparisonLegend(all)).toContain("after Holm correction over all 2 comparisons (every system and measure) per test");
    expect(comparisonLegend(all)).toContain("n = 10 queries evaluated for every system (1 more left out: not evaluated for every system).");
    const none = compareEvaluations(new Map([["a", values(a)], ["b", values(a)]]), ["nDCG@10"], { correction: "none" });
    expect(comparisonLegend(none)).toContain("without correction for multiple comparisons");
  });
});
