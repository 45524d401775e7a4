// loadTokenizer on Hugging Face folders: tokenizer.json folders go straight to
// @huggingface/tokenizers; vocab.txt folders are converted to the BERT tokenizer.json.
import { mkdtemp, mkdir, rm, writeFile, copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTokenizer, parseVocabTxt } from "../src/tokenizer/index.js";

const fixtures = join(import.meta.dirname, "fixtures", "tokenizer");
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "i3-tok-load-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("loadTokenizer on a vocab.txt folder", () => {
  it("builds a BERT uncased tokenizer with transformers' expected ids", async () => {
    const tok = await loadTokenizer(join(fixtures, "hf-test-vocab"));
    // transformers test_full_tokenizer: "UNwant\u00E9d,running" -> [9, 6, 7, 12, 10, 11]
    expect(Array.from(tok.tokenize("UNwant\u00E9d,running"))).toEqual([9, 6, 7, 12, 10, 11]);
    expect(Array.from(tok.encode("unaffable").ids)).toEqual([1, 9, 15, 16, 2]);
    expect(tok.special).toEqual({ pad: 3, unk: 0, cls: 1, sep: 2, mask: 4 });
    expect(tok.vocabSize).toBe(17);
    expect(tok.numSpecialTokens).toEqual({ single: 2, pair: 3 });
  });

  it("honours do_lower_case=false from tokenizer_config.json", async () => {
    const dir = join(tmp, "cased");
    await mkdir(dir, { recursive: true });
    await copyFile(join(fixtures, "hf-test-vocab", "vocab.txt"), join(dir, "vocab.txt"));
    await writeFile(join(dir, "tokenizer_config.json"), JSON.stringify({ do_lower_case: false }));
    await writeFile(join(dir, "special_tokens_map.json"), JSON.stringify({ unk_token: { content: "[UNK]" } }));
    const tok = await loadTokenizer(dir);
    expect(tok.tokens("unwanted UNwanted")).toEqual(["un", "##want", "##ed", "[UNK]"]);
    expect(tok.config).toMatchObject({ do_lower_case: false, tokenizer_class: "BertTokenizer", pad_token: "[PAD]" });
  });

  it("rejects a non-boolean do_lower_case, naming the file and field", async () => {
    const dir = join(tmp, "badflag");
    await mkdir(dir, { recursive: true });
    await copyFile(join(fixtures, "hf-test-vocab", "vocab.txt"), join(dir, "vocab.txt"));
    await writeFile(join(dir, "tokenizer_config.json"), JSON.stringify({ do_lower_case: "yes" }));
    await expect(loadTokenizer(dir)).rejects.toThrow(/badflag\/tokenizer_config\.json: field "do_lower_case": expected true, false or null/);
  });

  it("reports empty or duplicate vocab lines with file and line", async () => {
    expect(() => parseVocabTxt("a\nb\n\nc\n", "v.txt")).toThrow(/v\.txt:3: field "token": empty token/);
    expect(() => parseVocabTxt("a\nb\na\n", "v.txt")).toThrow(/v\.txt:3: field "token": duplicate token "a" \(first on line 1\)/);
    expect(parseVocabTxt("a\r\nb\r\n", "v.txt")).toEqual(["a", "b"]);
  });

  it("fails when a special token is missing from vocab.txt, naming the file", async () => {
    const dir = join(tmp, "nounk");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "vocab.txt"), "[CLS]\n[SEP]\n[PAD]\nhello\n");
    await expect(loadTokenizer(dir)).rejects.toThrow(/nounk\/vocab\.txt: field "unk_token": special token "\[UNK\]" is not in the vocabulary/);
  });
});

describe("loadTokenizer on a tokenizer.json folder", () => {
  it("encodes like @huggingface/tokenizers on the same files (cased BERT)", async () => {
    const dir = join(fixtures, "tiny-bert-json");
    const tok = await loadTokenizer(dir);
    const { readFile } = await import("node:fs/promises");
    const hf = new Tokenizer(
      JSON.parse(await readFile(join(dir, "tokenizer.json"), "utf8")),
      JSON.parse(await readFile(join(dir, "tokenizer_config.json"), "utf8")),
    );
    for (const text of ["Hello worlds!", "hello World.", "HELLO", "Hello [MASK] world", ""]) {
      expect(Array.from(tok.encode(text).ids)).toEqual(hf.encode(text).ids);
    }
    // hand-checked: W ##or ##ld is "World"; cased, so HELLO is unknown.
    expect(Array.from(tok.encode("Hello World!").ids)).toEqual([2, 5, 10, 11, 12, 9, 3]);
    expect(Array.from(tok.tokenize("HELLO"))).toEqual([1]);
  });

  it("handles a BPE tokenizer without post-processor, and one whose post-processor cannot do pairs", async () => {
    const dir = join(tmp, "bpe");
    await mkdir(dir, { recursive: true });
    const json = {
      model: { type: "BPE", vocab: { a: 0, b: 1, ab: 2, "<unk>": 3, "<pad>": 4 }, merges: ["a b"], unk_token: "<unk>" },
      pre_tokenizer: { type: "WhitespaceSplit" },
    };
    await writeFile(join(dir, "tokenizer.json"), JSON.stringify(json));
    const tok = await loadTokenizer(dir);
    expect(tok.numSpecialTokens).toEqual({ single: 0, pair: 0 });
    expect(tok.special.pad).toBe(4);
    expect(Array.from(tok.encode("ab a ba", 2).ids)).toEqual([2, 0]);
    const pair = tok.encodePair("ab", "b a");
    expect(Array.from(pair.ids)).toEqual([2, 1, 0]);
    expect(Array.from(pair.typeIds)).toEqual([0, 1, 1]);
    await writeFile(join(dir, "tokenizer.json"), JSON.stringify({ ...json, post_processor: { type: "ByteLevel" } }));
    const single = await loadTokenizer(dir);
    expect(Array.from(single.encode("ab").ids)).toEqual([2]);
    expect(() => single.encodePair("a", "b")).toThrow(/post-processor "ByteLevel" does not support pairs/);
  });

  it("names the folder and the missing files", async () => {
    const empty = join(tmp, "empty");
    await mkdir(empty, { recursive: true });
    await expect(loadTokenizer(empty)).rejects.toThrow(/folder .*empty has no tokenizer\.json and no vocab\.txt/);
    await expect(loadTokenizer(join(tmp, "nope"))).rejects.toThrow(/folder .*nope does not exist/);
  });

  it("reports malformed JSON with file and line, and a missing model field", async () => {
    const bad = join(tmp, "bad");
    await mkdir(bad, { recursive: true });
    await writeFile(join(bad, "tokenizer.json"), '{\n  "version": "1.0",\n  "model": {,\n}\n');
    await expect(loadTokenizer(bad)).rejects.toThrow(/bad\/tokenizer\.json:3: invalid JSON/);
    await writeFile(join(bad, "tokenizer.json"), '{"version": "1.0"}');
    await expect(loadTokenizer(bad)).rejects.toThrow(/bad\/tokenizer\.json: field "model": missing/);
  });
});
