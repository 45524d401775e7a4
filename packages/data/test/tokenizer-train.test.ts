// WordPiece training: hand-checked merges, HF's own BPE trainer test, and the round trip
// train -> saveTokenizer -> @huggingface/tokenizers compared with our reference encoder.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  I3Tokenizer,
  ReferenceWordPieceEncoder,
  bertTokenizerJson,
  loadTokenizer,
  saveTokenizer,
  trainWordPiece,
  trainWordPieceVocab,
} from "../src/tokenizer/index.js";

const corpusFile = join(import.meta.dirname, "fixtures", "tokenizer", "corpus.txt");
let corpus: string[];
let tmp: string;
let trained: I3Tokenizer;

beforeAll(async () => {
  corpus = (await readFile(corpusFile, "utf8")).split("\n").filter(Boolean);
  tmp = await mkdtemp(join(tmpdir(), "i3-tok-train-"));
  trained = await trainWordPiece(corpus, { vocabSize: 400, minFrequency: 2 });
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("trainWordPieceVocab", () => {
  it("reproduces HF tokenizers' BPE trainer test (test_train, min_frequency 2, no prefix)", () => {
    const counts = new Map(
      Object.entries({ roses: 1, are: 2, red: 1, voilets: 1, blue: 1, BERT: 1, is: 2, big: 1, and: 1, so: 1, "GPT-2": 1 }),
    );
    const vocab = trainWordPieceVocab(counts, { vocabSize: 30000, minFrequency: 2, continuingSubwordPrefix: null });
    expect(vocab).toEqual([..."-2BEGPRTabdegilnorstuv", "re", "are", "is"]);
  });

  it("merges hand-checked pairs with ## continuations and stable tie-breaking", () => {
    const counts = new Map(Object.entries({ hug: 10, pug: 5, pun: 12, bun: 4, hugs: 5 }));
    const base = ["[PAD]", "[UNK]", "b", "g", "h", "n", "p", "s", "u", "##g", "##n", "##s", "##u"];
    // (##u,##g)=20, (##u,##n)=16, (h,##ug)=15, (p,##un)=12, then a tie at 5: (p,##ug) before (hug,##s), then (b,##un)=4.
    const merges = ["##ug", "##un", "hug", "pun", "pug", "hugs", "bun"];
    const opts = { specialTokens: ["[PAD]", "[UNK]"] };
    expect(trainWordPieceVocab(counts, { ...opts, vocabSize: 100 })).toEqual([...base, ...merges]);
    expect(trainWordPieceVocab(counts, { ...opts, vocabSize: 16 })).toEqual([...base, ...merges.slice(0, 3)]);
    expect(trainWordPieceVocab(counts, { ...opts, vocabSize: 100, minFrequency: 5 })).toEqual([...base, ...merges.slice(0, 6)]);
  });

  it("limits the alphabet to the most frequent characters", () => {
    const counts = new Map(Object.entries({ aab: 3, c: 1 }));
    // "c" (count 1) is dropped; like Rust, the initial tokens are all kept even past vocabSize.
    expect(trainWordPieceVocab(counts, { vocabSize: 3, limitAlphabet: 2 })).toEqual(["a", "b", "##a", "##b"]);
    expect(trainWordPieceVocab(counts, { vocabSize: 5 })).toEqual(["a", "b", "c", "##a", "##b"]);
  });

  it("does not depend on the order of the corpus (sync or async input)", async () => {
    async function* reversedLines() {
      for (const line of [...corpus].reverse()) yield line;
    }
    const reversed = await trainWordPiece(reversedLines(), { vocabSize: 400, minFrequency: 2 });
    expect(reversed.fingerprint).toBe(trained.fingerprint);
    const smaller = await trainWordPiece(corpus, { vocabSize: 300, minFrequency: 2 });
    expect(smaller.fingerprint).not.toBe(trained.fingerprint);
  });
});

describe("trainWordPiece -> saveTokenizer -> @huggingface/tokenizers", () => {
  const probes = [
    "Neural passage retrieval with pseudo-queries",
    "UNBELIEVABLE Retrievers!!! (tokenizing) -- 'quoted' \"double\" $100 50% a+b=c",
    "Crème brûlée à la façon de Zoë, ÉCOLE, Ångström",
    "emoji 🤗 and ☃ snowman ♥",
    "a".repeat(150) + " " + "retrieval".repeat(11) + " " + "retrieval".repeat(12),
    "中文字符测试 and 日本語のテキスト 東京",
    "한국어 문장 Привет мир Γειά σου",
    "tab\there\u0000null\u0007bell zero\u200Bwidth",
    "passage [MASK] query [SEP] text",
    "   ",
    "",
  ];

  it("writes the standard BERT folder files", async () => {
    const dir = join(tmp, "saved");
    await saveTokenizer(trained, dir);
    const vocab = (await readFile(join(dir, "vocab.txt"), "utf8")).split("\n").slice(0, -1);
    expect(vocab.slice(0, 5)).toEqual(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]);
    expect(vocab.length).toBe(400);
    const config = JSON.parse(await readFile(join(dir, "tokenizer_config.json"), "utf8"));
    expect(config).toMatchObject({ tokenizer_class: "BertTokenizer", do_lower_case: true, cls_token: "[CLS]" });
    const map = JSON.parse(await readFile(join(dir, "special_tokens_map.json"), "utf8"));
    expect(map).toEqual({ unk_token: "[UNK]", sep_token: "[SEP]", pad_token: "[PAD]", cls_token: "[CLS]", mask_token: "[MASK]" });
  });

  it("loads back in @huggingface/tokenizers with the ids of the reference encoder", async () => {
    const dir = join(tmp, "roundtrip");
    await saveTokenizer(trained, dir);
    const hf = new Tokenizer(
      JSON.parse(await readFile(join(dir, "tokenizer.json"), "utf8")),
      JSON.parse(await readFile(join(dir, "tokenizer_config.json"), "utf8")),
    );
    const vocab = (await readFile(join(dir, "vocab.txt"), "utf8")).split("\n").slice(0, -1);
    const ref = new ReferenceWordPieceEncoder(vocab, {}, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]);
    let unknown = 0;
    for (const text of [...corpus, ...probes]) {
      const expected = [2, ...ref.ids(text), 3];
      expect(hf.encode(text).ids, text).toEqual(expected);
      unknown += expected.filter((id) => id === 1).length;
    }
    expect(unknown).toBeGreaterThan(3); // the probes do exercise [UNK]
    // and every corpus word is covered by the trained vocabulary
    for (const line of corpus) expect(ref.ids(line).includes(1), line).toBe(hf.encode(line).ids.includes(1));
  });

  it("agrees with the reference encoder on 300 seeded random strings", async () => {
    const dir = join(tmp, "random");
    await saveTokenizer(trained, dir);
    const hf = new Tokenizer(JSON.parse(await readFile(join(dir, "tokenizer.json"), "utf8")), {});
    const vocab = (await readFile(join(dir, "vocab.txt"), "utf8")).split("\n").slice(0, -1);
    const ref = new ReferenceWordPieceEncoder(vocab, {}, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]);
    const words = corpus.join(" ").split(/\s+/);
    const pool = [..."aeiourstlnAEZ09 .,;!?'\"()-_$%@#&*+=<>/\\`~^|éñüÅçØ\u0301中文한ЖжΩ🤗\t\n\u0007\u200B\u00A0\u3000\uFFFD"];
    let seed = 12345;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    for (let s = 0; s < 300; s++) {
      let text = "";
      const parts = 1 + rand(8);
      for (let k = 0; k < parts; k++) {
        text += rand(2) ? words[rand(words.length)]! : Array.from({ length: 1 + rand(6) }, () => pool[rand(pool.length)]).join("");
        if (rand(3)) text += " ";
      }
      expect(hf.encode(text).ids, JSON.stringify(text)).toEqual([2, ...ref.ids(text), 3]);
    }
  });

  it("loads back through loadTokenizer (tokenizer.json and vocab.txt alone) with the same ids", async () => {
    const dir = join(tmp, "reload");
    await saveTokenizer(trained, dir);
    const again = await loadTokenizer(dir);
    expect(again.fingerprint).toBe(trained.fingerprint);
    const vocabOnly = join(tmp, "vocab-only");
    await saveTokenizer(trained, vocabOnly);
    await rm(join(vocabOnly, "tokenizer.json"));
    const fromVocab = await loadTokenizer(vocabOnly);
    for (const text of probes) {
      expect(Array.from(again.encode(text).ids)).toEqual(Array.from(trained.encode(text).ids));
      expect(Array.from(fromVocab.encode(text).ids)).toEqual(Array.from(trained.encode(text).ids));
    }
  });

  it("pins the known deviations of @huggingface/tokenizers 0.2 from Rust BERT normalisation", () => {
    const vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "\u{20000}", "οδοσ", "οδος", "x"];
    const ref = new ReferenceWordPieceEncoder(vocab, {}, ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]);
    const specialTokens = { pad: "[PAD]", unk: "[UNK]", cls: "[CLS]", sep: "[SEP]" };
    const hf = I3Tokenizer.fromJson(bertTokenizerJson(vocab, { specialTokens }));
    // Astral CJK ideographs are not isolated (the library walks UTF-16 code units).
    expect(ref.tokens("a\u{20000}a")).toEqual(["a", "\u{20000}", "a"]);
    expect(hf.tokens("a\u{20000}a")).toEqual(["[UNK]"]);
    // String-level lowercasing gives a final sigma; Rust lowercases character by character.
    expect(ref.tokens("ΟΔΟΣ")).toEqual(["οδοσ"]);
    expect(hf.tokens("ΟΔΟΣ")).toEqual(["οδος"]);
    // Unassigned code points (Cn) are kept; Rust removes them as control characters.
    expect(ref.tokens("x\u0378")).toEqual(["x"]);
    expect(hf.tokens("x\u0378")).toEqual(["[UNK]"]);
  });
});

describe("fingerprint", () => {
  // Recorded before the canonical JSON moved to @i3/core: token caches and the runner's stage
  // keys name tokenizers by these, so they must not change. A vocabulary holds integer-like
  // tokens ("2", "10"), whose keys sort as strings ("10" < "2"), not in JSON.stringify's order.
  it("keeps the recorded fingerprints of loaded and trained tokenizers", async () => {
    const fixtures = join(import.meta.dirname, "fixtures", "tokenizer");
    expect((await loadTokenizer(join(fixtures, "tiny-bert-json"))).fingerprint).toBe("6d3a2e6df2811ca7f2d8d6bd26c296df20095c501b070343664a21caac75ac24");
    expect((await loadTokenizer(join(fixtures, "hf-test-vocab"))).fingerprint).toBe("5573489ac9a6412c6eeb179ef29588473b6b7f2a89230861fe3666b33ea07c99");
    expect(trained.fingerprint).toBe("fb7ecba5de7c290b2aa02d75641e13707afbd5a239e65dd18d98074f17962eb2");
    const numbers = "1 2 10 22 100 3 33 7 0 01";
    const withNumbers = await trainWordPiece([...corpus, `${numbers} ${numbers}`], { vocabSize: 400, minFrequency: 1 });
    expect(withNumbers.json.model.vocab).toHaveProperty("10");
    expect(withNumbers.fingerprint).toBe("a2610c425d41aad114d63b8aa22964aae1328a1a3f5479d001ece907ce194937");
  });
});
