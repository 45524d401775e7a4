/**
 * Pre-tokenised token-id files for a collection, so later epochs skip tokenisation.
 *
 * File layout (little-endian; every section starts at a multiple of 8 bytes):
 * ```
 * "I3TOKCAC"                      8-byte magic
 * u32 H                           byte length of the header
 * header JSON (H bytes)           {@link TokenCacheHeader}, space-padded
 * u32 offsets[count + 1]          row r holds tokens offsets[r] .. offsets[r+1]
 * uint16 | int32 tokens[total]    `[CLS] content [SEP]` of every passage, no padding
 * utf-8 passage ids               "\n"-separated, in row order
 * ```
 * The header records the tokenizer fingerprint and `maxLength`; opening a cache with a
 * different expectation fails with {@link TokenCacheMismatchError} ({@link ensureTokenCache}
 * rebuilds instead).
 */
import { mkdir, open, rm } from "node:fs/promises";
import { endianness } from "node:os";
import { dirname } from "node:path";
import { replaceFileAtomic, tempPathFor } from "@i3/core";
import type { Passage } from "../types.js";
import { passageText } from "./batch-encoding.js";
import type { I3Tokenizer } from "./i3-tokenizer.js";

/** Token ids (special tokens included, no padding) of a passage by id; throws on unknown ids. */
export type TokenIdLookup = (id: string) => Int32Array;

/** The JSON header of a token cache file. */
export interface TokenCacheHeader {
  format: "i3-token-cache";
  version: 1;
  /** `I3Tokenizer.fingerprint` of the tokenizer that wrote the ids. */
  fingerprint: string;
  /** Maximum row length, special tokens included. */
  maxLength: number;
  /** Number of passages (rows). */
  count: number;
  /** Number of stored token ids. */
  totalTokens: number;
  /** `uint16` when every id fits (vocabulary <= 65536), else `int32`. */
  dtype: "uint16" | "int32";
  /** Special tokens before / after the content in each row (e.g. 1 and 1 for BERT). */
  specialPrefix: number;
  specialSuffix: number;
  /** Byte length of the passage id section. */
  idBytes: number;
}

/** What {@link openTokenCache} checks the header against. */
export interface TokenCacheExpectation {
  /** The tokenizer whose fingerprint the cache must carry. */
  tokenizer?: I3Tokenizer;
  /** Or the fingerprint directly. */
  fingerprint?: string;
  maxLength?: number;
}

/** Options of {@link buildTokenCache}. */
export interface BuildTokenCacheOptions {
  /** Maximum row length, special tokens included (e.g. 128 for passages). */
  maxLength: number;
  /** Output file (written atomically). */
  file: string;
  /** Text of a passage. Default {@link passageText} (`title text`). */
  text?: (passage: Passage) => string;
}

/** A token cache opened in memory. */
export interface TokenCache {
  readonly file: string;
  readonly header: TokenCacheHeader;
  /** Number of passages. */
  readonly size: number;
  has(id: string): boolean;
  /** `[CLS] content [SEP]` ids of passage `id` (a fresh array); throws on unknown ids. */
  get(id: string): Int32Array;
  /** The content ids of passage `id`, without special tokens (for pair encoding). */
  getContent(id: string): Int32Array;
  /** Passage ids in file order. */
  ids(): string[];
  /** `get` as a standalone function. */
  readonly lookup: TokenIdLookup;
}

/** The cache exists but was written for another tokenizer or maximum length. */
export class TokenCacheMismatchError extends Error {
  constructor(
    readonly file: string,
    readonly field: "fingerprint" | "maxLength",
    expected: string | number,
    found: string | number,
  ) {
    super(`${file}: token cache ${field} is ${JSON.stringify(found)}, expected ${JSON.stringify(expected)}; rebuild the cache`);
    this.name = "TokenCacheMismatchError";
  }
}

const MAGIC = Buffer.from("I3TOKCAC", "latin1");
const align8 = (n: number) => Math.ceil(n / 8) * 8;
const CHUNK_TOKENS = 1 << 16;

function checkLittleEndian(): void {
  if (endianness() !== "LE") throw new Error("token caches are little-endian; this machine is big-endian");
}

/**
 * Tokenises every passage once (`[CLS] text [SEP]`, truncated to `maxLength`) and writes the
 * ids to `file` atomically. Ids stream through a side file, so memory holds only the offsets and
 * the passage ids. Duplicate passage ids, or ids containing a newline, are errors.
 */
export async function buildTokenCache(
  passages: AsyncIterable<Passage> | Iterable<Passage>,
  tokenizer: I3Tokenizer,
  options: BuildTokenCacheOptions,
): Promise<TokenCacheHeader> {
  checkLittleEndian();
  const { maxLength, file } = options;
  const textOf = options.text ?? passageText;
  if (!Number.isInteger(maxLength) || maxLength <= tokenizer.numSpecialTokens.single) {
    throw new RangeError(`buildTokenCache: maxLength must be an integer above ${tokenizer.numSpecialTokens.single}, got ${maxLength}`);
  }
  const dtype = tokenizer.vocabSize <= 65536 ? "uint16" : "int32";
  const Chunk = dtype === "uint16" ? Uint16Array : Int32Array;
  const probe = tokenizer.withSpecialTokens([-1]).ids;
  const specialPrefix = probe.indexOf(-1);
  const specialSuffix = probe.length - specialPrefix - 1;

  await mkdir(dirname(file), { recursive: true });
  const side = tempPathFor(file + ".ids");
  const offsets: number[] = [0];
  const rowOf = new Map<string, number>();
  let total = 0;
  try {
    const handle = await open(side, "w");
    try {
      let chunk = new Chunk(CHUNK_TOKENS);
      let used = 0;
      const flush = async () => {
        if (used > 0) await handle.write(new Uint8Array(chunk.buffer, 0, used * chunk.BYTES_PER_ELEMENT));
        chunk = new Chunk(CHUNK_TOKENS);
        used = 0;
      };
      for await (const passage of passages) {
        const row = offsets.length - 1;
        const first = rowOf.get(passage.id);
        if (first !== undefined) throw new Error(`buildTokenCache: passage id ${JSON.stringify(passage.id)} appears twice (passages ${first + 1} and ${row + 1})`);
        if (passage.id.includes("\n")) throw new Error(`buildTokenCache: passage ${row + 1} has an id containing a newline`);
        rowOf.set(passage.id, row);
        const { ids } = tokenizer.encode(textOf(passage), maxLength);
        if (used + ids.length > chunk.length) await flush();
        chunk.set(ids, used);
        used += ids.length;
        total += ids.length;
        if (total > 0xffffffff) throw new Error("buildTokenCache: more than 2^32 tokens; split the collection");
        offsets.push(total);
      }
      await flush();
    } finally {
      await handle.close();
    }

    const idBuffer = Buffer.from([...rowOf.keys()].join("\n"), "utf8");
    const header: TokenCacheHeader = {
      format: "i3-token-cache",
      version: 1,
      fingerprint: tokenizer.fingerprint,
      maxLength,
      count: offsets.length - 1,
      totalTokens: total,
      dtype,
      specialPrefix,
      specialSuffix,
      idBytes: idBuffer.length,
    };
    let headerText = JSON.stringify(header);
    headerText += " ".repeat(align8(12 + Buffer.byteLength(headerText)) - 12 - Buffer.byteLength(headerText));
    const headerBytes = Buffer.from(headerText, "utf8");
    const lead = Buffer.alloc(12);
    MAGIC.copy(lead, 0);
    lead.writeUInt32LE(headerBytes.length, 8);
    const offsetBytes = Buffer.alloc(align8(4 * offsets.length));
    new Uint32Array(offsetBytes.buffer, offsetBytes.byteOffset, offsets.length).set(offsets);
    const tokenBytes = total * Chunk.BYTES_PER_ELEMENT;

    await replaceFileAtomic(file, async (temp) => {
      const out = await open(temp, "w");
      try {
        await out.write(lead);
        await out.write(headerBytes);
        await out.write(offsetBytes);
        const input = await open(side, "r");
        try {
          const buffer = Buffer.alloc(1 << 20);
          for (;;) {
            const { bytesRead } = await input.read(buffer, 0, buffer.length, null);
            if (bytesRead === 0) break;
            await out.write(buffer.subarray(0, bytesRead));
          }
        } finally {
          await input.close();
        }
        await out.write(Buffer.alloc(align8(tokenBytes) - tokenBytes));
        await out.write(idBuffer);
      } finally {
        await out.close();
      }
    });
    return header;
  } finally {
    await rm(side, { force: true });
  }
}

/**
 * Reads a whole file into an 8-byte-aligned buffer, in chunks (`fs.readFile` stops at 2 GiB;
 * a Buffer can hold 4 GiB).
 */
async function readWhole(file: string): Promise<Buffer> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    const bytes = Buffer.alloc(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(bytes, at, Math.min(size - at, 1 << 26), at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return at === size ? bytes : bytes.subarray(0, at);
  } finally {
    await handle.close();
  }
}

/** Parses and checks the header of a token cache read into `bytes`. */
function readHeader(bytes: Buffer, file: string): { header: TokenCacheHeader; start: number } {
  if (bytes.length < 12 || !bytes.subarray(0, 8).equals(MAGIC)) throw new Error(`${file}: not an i3 token cache (bad magic)`);
  const length = bytes.readUInt32LE(8);
  let header: TokenCacheHeader;
  try {
    header = JSON.parse(bytes.toString("utf8", 12, 12 + length)) as TokenCacheHeader;
  } catch (err) {
    throw new Error(`${file}: corrupt token cache header: ${(err as Error).message}`);
  }
  if (header.format !== "i3-token-cache" || header.version !== 1) {
    throw new Error(`${file}: unsupported token cache format ${JSON.stringify(header.format)} version ${JSON.stringify(header.version)}`);
  }
  return { header, start: 12 + length };
}

/**
 * Opens a token cache written by {@link buildTokenCache}, reading it into memory. With an
 * expectation, a different tokenizer fingerprint or `maxLength` throws
 * {@link TokenCacheMismatchError}; a truncated or foreign file throws a plain error.
 */
export async function openTokenCache(file: string, expect: TokenCacheExpectation = {}): Promise<TokenCache> {
  checkLittleEndian();
  let bytes = await readWhole(file);
  const { header, start } = readHeader(bytes, file);
  const fingerprint = expect.fingerprint ?? expect.tokenizer?.fingerprint;
  if (fingerprint !== undefined && fingerprint !== header.fingerprint) {
    throw new TokenCacheMismatchError(file, "fingerprint", fingerprint, header.fingerprint);
  }
  if (expect.maxLength !== undefined && expect.maxLength !== header.maxLength) {
    throw new TokenCacheMismatchError(file, "maxLength", expect.maxLength, header.maxLength);
  }
  const width = header.dtype === "uint16" ? 2 : 4;
  const tokensAt = start + align8(4 * (header.count + 1));
  const idsAt = tokensAt + align8(width * header.totalTokens);
  if (bytes.length !== idsAt + header.idBytes) {
    throw new Error(`${file}: token cache is ${bytes.length} bytes, header says ${idsAt + header.idBytes} (truncated or corrupt)`);
  }
  if (bytes.byteOffset % 8 !== 0) bytes = Buffer.from(bytes);
  const offsets = new Uint32Array(bytes.buffer, bytes.byteOffset + start, header.count + 1);
  const tokens =
    header.dtype === "uint16"
      ? new Uint16Array(bytes.buffer, bytes.byteOffset + tokensAt, header.totalTokens)
      : new Int32Array(bytes.buffer, bytes.byteOffset + tokensAt, header.totalTokens);
  const idList = header.count === 0 ? [] : bytes.toString("utf8", idsAt, idsAt + header.idBytes).split("\n");
  if (idList.length !== header.count) throw new Error(`${file}: ${idList.length} passage ids for ${header.count} rows (corrupt)`);
  const rowOf = new Map<string, number>();
  idList.forEach((id, row) => rowOf.set(id, row));

  const rowOrThrow = (id: string): number => {
    const row = rowOf.get(id);
    if (row === undefined) throw new Error(`${file}: passage ${JSON.stringify(id)} is not in the token cache`);
    return row;
  };
  const slice = (id: string, head: number, tail: number): Int32Array => {
    const row = rowOrThrow(id);
    return Int32Array.from(tokens.subarray(offsets[row]! + head, offsets[row + 1]! - tail));
  };
  const get = (id: string) => slice(id, 0, 0);
  return {
    file,
    header,
    size: header.count,
    has: (id) => rowOf.has(id),
    get,
    getContent: (id) => slice(id, header.specialPrefix, header.specialSuffix),
    ids: () => [...idList],
    lookup: get,
  };
}

/**
 * Opens the token cache at `options.file` if it was built by `tokenizer` with the same
 * `maxLength`; otherwise (missing, or a {@link TokenCacheMismatchError}) rebuilds it from
 * `passages` first. Other errors (e.g. a file that is not a token cache) are thrown.
 */
export async function ensureTokenCache(
  passages: AsyncIterable<Passage> | Iterable<Passage>,
  tokenizer: I3Tokenizer,
  options: BuildTokenCacheOptions,
): Promise<TokenCache> {
  const expect = { tokenizer, maxLength: options.maxLength };
  try {
    return await openTokenCache(options.file, expect);
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
    if (!missing && !(err instanceof TokenCacheMismatchError)) throw err;
  }
  await buildTokenCache(passages, tokenizer, options);
  return openTokenCache(options.file, expect);
}
