/**
 * Canonical JSON. The expected texts and hashes were recorded from the three implementations
 * this one replaced (@i3/data's tokenizer fingerprint, @i3/pseudoquery's cache sidecar, the
 * experiments app's config and stage-cache hashes), which agreed on every input below; the
 * hashes of the first value were also checked with `sha256sum`.
 */
import { describe, expect, it } from "vitest";
import { canonicalJson, stableHash } from "../src/index.js";

describe("canonicalJson", () => {
  it("sorts keys at every level, drops undefined properties, adds no whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(canonicalJson([1, "two", { k: [3] }])).toBe('[1,"two",{"k":[3]}]');
    expect([canonicalJson("text"), canonicalJson(12.5), canonicalJson(null), canonicalJson(true)]).toEqual(['"text"', "12.5", "null", "true"]);
  });

  it("writes strings and numbers as JSON.stringify does and sorts keys by UTF-16 code units", () => {
    const value = { z: 'é\u2028"\\\n', é: -0, "😀": 1e21, "\uffff": 5e-7, A: [true, false, null, [], {}], "": 0.1 + 0.2 };
    expect(canonicalJson(value)).toBe('{"":0.30000000000000004,"A":[true,false,null,[],{}],"z":"é\u2028\\"\\\\\\n","é":0,"😀":1e+21,"\uffff":5e-7}');
  });

  it("orders integer-like keys as strings (as @i3/data's tokenizer fingerprint did), not as JSON.stringify does", () => {
    expect(canonicalJson({ "10": 1, "2": 2, b: 3 })).toBe('{"10":1,"2":2,"b":3}');
    expect(JSON.stringify({ "10": 1, "2": 2, b: 3 })).toBe('{"2":2,"10":1,"b":3}');
  });

  it("accepts null-prototype objects and own __proto__ keys (as JSON.parse makes them)", () => {
    expect(canonicalJson(Object.assign(Object.create(null) as object, { b: 1, a: 2 }))).toBe('{"a":2,"b":1}');
    expect(canonicalJson(JSON.parse('{"__proto__":{"x":1},"a":0}'))).toBe('{"__proto__":{"x":1},"a":0}');
  });

  it("rejects what JSON cannot hold, naming the path", () => {
    expect(() => canonicalJson({ a: NaN })).toThrow("canonicalJson: $.a is NaN, which JSON cannot hold");
    expect(() => canonicalJson({ a: { b: [1, Infinity] } })).toThrow("canonicalJson: $.a.b[1] is Infinity");
    expect(() => canonicalJson([-Infinity])).toThrow("$[0] is -Infinity");
    expect(() => canonicalJson({ list: [1, undefined] })).toThrow("canonicalJson: $.list[1] is undefined, which JSON cannot hold (use null)");
    expect(() => canonicalJson(undefined)).toThrow("canonicalJson: $ is undefined");
    expect(() => canonicalJson({ f: () => 1 })).toThrow("canonicalJson: $.f is a function");
    expect(() => canonicalJson({ n: 1n })).toThrow("$.n is a bigint");
    expect(() => canonicalJson({ s: Symbol("s") })).toThrow("$.s is a symbol");
    expect(() => canonicalJson({ m: new Map([["a", 1]]) })).toThrow("canonicalJson: $.m is a Map, not a plain object or array");
    expect(() => canonicalJson({ d: new Date(0) })).toThrow("$.d is a Date");
    expect(() => canonicalJson({ v: new Float32Array(2) })).toThrow("$.v is a Float32Array");
  });
});

describe("stableHash", () => {
  it("is sha256 (hex) of the canonical text", () => {
    // `printf '{"a":1,"b":2}' | sha256sum`
    expect(stableHash({ b: 2, a: 1 })).toBe("43258cff783fe7036d8a43033f830adfc60ec037382473548ac742b888292777");
    expect(stableHash({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe("c42aa07d0d759346b023adbaacfcadef30785e57df4077243b99b9b3a21dd8b2");
    expect(stableHash({ a: 1 })).not.toBe(stableHash({ a: 2 }));
  });

  it("keeps the recorded hashes", () => {
    const values: unknown[] = [
      { z: 'é\u2028"\\\n', é: -0, "😀": 1e21, "\uffff": 5e-7, A: [true, false, null, [], {}], "": 0.1 + 0.2 },
      [1, "two", { k: [3] }],
      "text",
      12.5,
      null,
      true,
    ];
    expect(values.map(stableHash)).toEqual([
      "9b8fa770f1b6e96f2623541eee014a7bd8e1bf3d2f45f5558db13c9d92a358a8",
      "f77333e0fe21966e8943149da2ac354090cbe003bace485287784be3c9ea5e33",
      "1e1d0f251d3a76fa2b1bfc81164078572623403887db02988b504b0492e9f076",
      "b902cc4550838229a710bfec4c38cbc7eb11082367a409df9135e7f007a96bda",
      "74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b",
      "b5bea41b6c623f7c09f1bf24dcae58ebab3c0cdd90ad966bc43a45b44867e12b",
    ]);
  });
});
