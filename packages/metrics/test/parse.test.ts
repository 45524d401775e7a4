import { describe, expect, it } from "vitest";
import { parseMeasure, parseMeasures } from "../src/index.js";

describe("parseMeasure", () => {
  it.each([
    ["nDCG@10", "nDCG", 10, undefined, "nDCG@10"],
    ["RR(rel=2)@10", "RR", 10, 2, "RR(rel=2)@10"],
    ["AP(rel=2)", "AP", undefined, 2, "AP(rel=2)"],
    ["P@5", "P", 5, undefined, "P@5"],
    ["R@1000", "R", 1000, undefined, "R@1000"],
    ["Judged@10", "Judged", 10, undefined, "Judged@10"],
    ["ndcg@10", "nDCG", 10, undefined, "nDCG@10"],
    ["MRR@10", "RR", 10, undefined, "RR@10"],
    ["MAP", "AP", undefined, undefined, "AP"],
    ["map", "AP", undefined, undefined, "AP"],
    ["map_cut_10", "AP", 10, undefined, "AP@10"],
    ["P_5", "P", 5, undefined, "P@5"],
    ["P.5", "P", 5, undefined, "P@5"],
    ["recall_1000", "R", 1000, undefined, "R@1000"],
    ["ndcg_cut_10", "nDCG", 10, undefined, "nDCG@10"],
    ["recip_rank", "RR", undefined, undefined, "RR"],
    ["success_1", "Success", 1, undefined, "Success@1"],
    ["num_rel_ret", "NumRelRet", undefined, undefined, "NumRelRet"],
  ])("%s -> %s cutoff %s rel %s", (name, family, cutoff, rel, canonical) => {
    const m = parseMeasure(name);
    expect(m.family.name).toBe(family);
    expect(m.cutoff).toBe(cutoff);
    expect(m.rel).toBe(rel);
    expect(m.canonical).toBe(canonical);
    expect(m.name).toBe(name);
  });

  it.each([
    ["nDGC@10", /unknown measure family "nDGC"/],
    ["P", /P needs a cutoff, e.g. P@10/],
    ["Rprec@5", /Rprec takes no @cutoff/],
    ["nDCG(rel=2)@10", /nDCG takes no rel= parameter \(nDCG uses the raw grades\)/],
    ["AP(gain=2)", /unknown parameter "gain"/],
    ["AP(rel=x)", /cannot read parameter "rel=x"/],
    ["P@0", /cutoff must be a positive integer/],
    ["AP@", /cannot parse/],
    ["", /cannot parse/],
  ])("rejects %s with a clear error", (name, message) => {
    expect(() => parseMeasure(name)).toThrow(message);
  });

  it("error messages name the measure", () => {
    expect(() => parseMeasure("Foo@3")).toThrow('measure "Foo@3"');
  });

  it("parseMeasures rejects duplicates", () => {
    expect(() => parseMeasures(["AP", "P@5", "AP"])).toThrow('measure "AP" is listed twice');
  });
});
