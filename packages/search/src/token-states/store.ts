/**
 * A token-state store: per passage, the token states [len_i, H] of its real tokens (no padding)
 * from one layer of one model (MICE's layer-l document states), read by id for a batch of
 * candidates. Folder layout (written by build.ts):
 *
 *   manifest.json   format, version, hidden, layer, count, tokens, dtype, bytesPerPassage,
 *                   encoder { description, fingerprint }, backend, createdAt, files
 *   states.bin      every passage's states, concatenated in ids.txt order, row-major,
 *                   little-endian float16 (default) or float32
 *   lengths.bin     each passage's token count, little-endian uint32
 *   ids.txt         one passage id per line
 *
 * Opening reads the manifest, ids and lengths and checks the sizes agree; the states stay on
 * disk and `read` fetches only the asked passages (positional reads), so a store larger than
 * memory serves a re-ranker's candidates.
 */
import { open, readFile, stat, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { fromFloat16 } from "../dense/float16.js";
import { bytesPerElement } from "../dense/manifest.js";
import { readTokenStateManifest, TokenStateStoreError, type TokenStateManifest } from "./manifest.js";

/** An open token-state store (call `close` when done). */
export class TokenStateStore {
  private constructor(
    readonly dir: string,
    readonly manifest: TokenStateManifest,
    /** Passage ids in store order. */
    readonly ids: readonly string[],
    private readonly lengths: Uint32Array,
    /** Token offset of each passage (count + 1 entries). */
    private readonly offsets: Float64Array,
    private readonly index: ReadonlyMap<string, number>,
    private readonly states: FileHandle,
  ) {}

  /** Opens the store in `dir`, checking manifest, ids, lengths and the states file size against each other. */
  static async open(dir: string): Promise<TokenStateStore> {
    const m = await readTokenStateManifest(dir);
    const idsPath = join(dir, m.files.ids);
    const idsText = await readFile(idsPath, "utf8");
    const ids = idsText === "" ? [] : idsText.replace(/\n$/, "").split("\n");
    if (ids.length !== m.count) throw new TokenStateStoreError(idsPath, "(lines)", `${ids.length} ids, manifest count ${m.count}`);
    const index = new Map(ids.map((id, i) => [id, i]));
    if (index.size !== ids.length) throw new TokenStateStoreError(idsPath, "(lines)", "duplicate ids");
    const lengthsPath = join(dir, m.files.lengths);
    const buf = await readFile(lengthsPath);
    if (buf.byteLength !== 4 * m.count) throw new TokenStateStoreError(lengthsPath, "(size)", `${buf.byteLength} bytes, expected 4 x count = ${4 * m.count}`);
    const lengths = new Uint32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    const offsets = new Float64Array(m.count + 1);
    lengths.forEach((n, i) => (offsets[i + 1] = offsets[i]! + n));
    if (offsets[m.count] !== m.tokens) throw new TokenStateStoreError(lengthsPath, "(sum)", `lengths sum to ${offsets[m.count]}, manifest tokens ${m.tokens}`);
    const statesPath = join(dir, m.files.states);
    const want = m.tokens * m.hidden * bytesPerElement(m.dtype);
    const size = (await stat(statesPath)).size;
    if (size !== want) throw new TokenStateStoreError(statesPath, "(size)", `${size} bytes, expected tokens x hidden x ${bytesPerElement(m.dtype)} = ${want}`);
    return new TokenStateStore(dir, m, ids, lengths, offsets, index, await open(statesPath, "r"));
  }

  /** Number of passages. */
  get count(): number {
    return this.manifest.count;
  }

  /** Mean bytes of states per passage on disk (tokens x hidden x element size / count). */
  bytesPerPassage(): number {
    return this.manifest.bytesPerPassage;
  }

  /** Whether the store holds passage `id`. */
  has(id: string): boolean {
    return this.index.has(id);
  }

  /** Token count of passage `id` (throws for an unknown id). */
  tokensOf(id: string): number {
    return this.lengths[this.position(id)]!;
  }

  /** The states of `ids`, in that order, each row-major float32 [len_i, hidden]; unknown ids throw, naming them. */
  async read(ids: readonly string[]): Promise<Float32Array[]> {
    const missing = ids.filter((id) => !this.index.has(id));
    if (missing.length > 0) throw new Error(`${this.dir}: ${missing.length} passage id(s) not in the store: ${missing.slice(0, 5).map((id) => JSON.stringify(id)).join(", ")}${missing.length > 5 ? ", ..." : ""}`);
    const { hidden, dtype } = this.manifest;
    const bpe = bytesPerElement(dtype);
    return Promise.all(
      ids.map(async (id) => {
        const i = this.index.get(id)!;
        const values = this.lengths[i]! * hidden;
        const bytes = new Uint8Array(values * bpe);
        const { bytesRead } = await this.states.read(bytes, 0, bytes.byteLength, this.offsets[i]! * hidden * bpe);
        if (bytesRead !== bytes.byteLength) throw new Error(`${this.dir}: short read for passage ${JSON.stringify(id)} (${bytesRead} of ${bytes.byteLength} bytes)`);
        return dtype === "float16" ? fromFloat16(new Uint16Array(bytes.buffer)) : new Float32Array(bytes.buffer);
      }),
    );
  }

  /** Closes the states file. */
  async close(): Promise<void> {
    await this.states.close();
  }

  private position(id: string): number {
    const i = this.index.get(id);
    if (i === undefined) throw new Error(`${this.dir}: passage id ${JSON.stringify(id)} not in the store`);
    return i;
  }
}
