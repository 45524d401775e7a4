/**
 * Token-state stores: what is read back equals what the encoder gave, rounded to float16
 * (nearest even, checked with the binary16 definition's precision bound) or exactly in
 * float32; sizes, ids, progress, atomic replacement and damaged folders.
 */
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SeededRandom } from "@i3/core";
import type { Passage } from "@i3/data";
import { describe, expect, it } from "vitest";
import { buildTokenStateStore, TokenStateStore, TokenStateStoreError, TOKEN_STATE_FILES } from "../src/token-states/index.js";

const H = 8;

/** A fake layer: passage i has 1 + (i * 7) % 13 tokens of seeded values in [-8, 8). */
function fakeStates(passages: readonly Passage[]): Map<string, Float32Array> {
  const rng = new SeededRandom(17);
  return new Map(
    passages.map((p, i) => {
      const states = new Float32Array((1 + ((i * 7) % 13)) * H);
      for (let j = 0; j < states.length; j++) states[j] = (rng.float() - 0.5) * 16;
      return [p.id, states];
    }),
  );
}

const PASSAGES: Passage[] = Array.from({ length: 23 }, (_, i) => ({ id: `p${i}`, title: "", text: `passage ${i}` }));
const STATES = fakeStates(PASSAGES);
const description = { description: "fake layer 2", fingerprint: "abc123" };

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "token-states-"));
}

async function build(out: string, dtype?: "float16" | "float32") {
  const progress: number[] = [];
  const manifest = await buildTokenStateStore(PASSAGES, async (batch) => batch.map((p) => STATES.get(p.id)!), {
    out,
    hidden: H,
    layer: 2,
    batchSize: 5,
    encoder: description,
    backend: "test",
    onProgress: (n) => progress.push(n),
    ...(dtype === undefined ? {} : { dtype }),
  });
  return { manifest, progress };
}

describe("token-state store", () => {
  it("reads back each passage's states to float16 precision, by id, in the asked order", async () => {
    const out = join(tempDir(), "store");
    const { manifest, progress } = await build(out);
    expect(progress).toEqual([5, 10, 15, 20, 23]);
    const tokens = [...STATES.values()].reduce((a, s) => a + s.length / H, 0);
    expect(manifest).toMatchObject({ dtype: "float16", hidden: H, layer: 2, count: 23, tokens, encoder: description });
    const store = await TokenStateStore.open(out);
    expect(store.bytesPerPassage()).toBeCloseTo((tokens * H * 2) / 23, 10);
    expect(store.ids).toEqual(PASSAGES.map((p) => p.id));
    const ask = ["p9", "p0", "p22", "p9"];
    const got = await store.read(ask);
    ask.forEach((id, k) => {
      const want = STATES.get(id)!;
      expect(got[k]!.length).toBe(want.length);
      expect(store.tokensOf(id)).toBe(want.length / H);
      // binary16 keeps 11 significant bits: |x - half(x)| <= 2^-11 |x| for normal values
      want.forEach((x, j) => expect(Math.abs(got[k]![j]! - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11 + 2 ** -25));
    });
    expect(got[0]).toEqual(got[3]);
    await expect(store.read(["p1", "nope"])).rejects.toThrow(/1 passage id\(s\) not in the store: "nope"/);
    await store.close();
  });

  it("stores float32 exactly when asked, at twice the bytes", async () => {
    const out = join(tempDir(), "store32");
    const { manifest } = await build(out, "float32");
    const store = await TokenStateStore.open(out);
    expect(store.bytesPerPassage()).toBeCloseTo((manifest.tokens * H * 4) / 23, 10);
    const got = await store.read(PASSAGES.map((p) => p.id));
    PASSAGES.forEach((p, i) => expect(got[i]).toEqual(STATES.get(p.id)));
    await store.close();
  });

  it("keeps the old store when a build fails, and rejects bad encoder output naming the passage", async () => {
    const out = join(tempDir(), "store");
    await build(out);
    const before = readFileSync(join(out, TOKEN_STATE_FILES.states));
    const failing = buildTokenStateStore(PASSAGES, async (batch) => batch.map((p) => (p.id === "p7" ? new Float32Array(H + 1) : STATES.get(p.id)!)), {
      out,
      hidden: H,
      layer: 2,
      encoder: description,
      backend: "test",
    });
    await expect(failing).rejects.toThrow(/passage #7 \(id "p7"\): encode\(\) must give a non-empty Float32Array of \[tokens, 8\] values, got 9 values/);
    expect(readFileSync(join(out, TOKEN_STATE_FILES.states))).toEqual(before);
    const huge = buildTokenStateStore([PASSAGES[0]!], async () => [new Float32Array(H).fill(1e6)], { out, hidden: H, layer: 2, encoder: description, backend: "test" });
    await expect(huge).rejects.toThrow(/overflows float16/);
    const dup = buildTokenStateStore([PASSAGES[0]!, PASSAGES[0]!], async (b) => b.map(() => new Float32Array(H)), { out, hidden: H, layer: 2, encoder: description, backend: "test" });
    await expect(dup).rejects.toThrow(/passage #1: field "id" "p0" is a duplicate/);
  });

  it("refuses a damaged folder, naming the file", async () => {
    const out = join(tempDir(), "store");
    const { manifest } = await build(out);
    truncateSync(join(out, TOKEN_STATE_FILES.states), manifest.tokens * H * 2 - 2);
    await expect(TokenStateStore.open(out)).rejects.toThrow(TokenStateStoreError);
    await expect(TokenStateStore.open(out)).rejects.toThrow(/states\.bin: field "\(size\)"/);
    writeFileSync(join(out, TOKEN_STATE_FILES.manifest), JSON.stringify({ ...manifest, dtype: "int8" }));
    await expect(TokenStateStore.open(out)).rejects.toThrow(/manifest\.json: field "dtype"/);
  });
});
