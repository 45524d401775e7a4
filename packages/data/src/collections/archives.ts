/**
 * Minimal archive extraction for dataset downloads, with no dependencies: zip (stored or deflate,
 * zip64 sizes; read through the central directory) and tar.gz (ustar/GNU, streamed). Entry paths
 * that would escape the destination folder are rejected.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, writeFile } from "node:fs/promises";
import path from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createInflateRaw } from "node:zlib";

/** The destination path of an archive entry, or an error when it would escape `destDir`. */
export function safeEntryPath(destDir: string, entryName: string, archive: string): string {
  const target = path.resolve(destDir, entryName);
  const root = path.resolve(destDir) + path.sep;
  if (!target.startsWith(root) || path.isAbsolute(entryName) || entryName.split(/[\\/]/).includes("..")) {
    throw new Error(`${archive}: entry ${JSON.stringify(entryName)} would be written outside ${destDir}`);
  }
  return target;
}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

async function readZipDirectory(file: string): Promise<ZipEntry[]> {
  const fh = await open(file, "r");
  try {
    const { size } = await fh.stat();
    const tailLen = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) throw new Error(`${file}: not a zip file (no end-of-central-directory record)`);
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset === 0xffffffff || count === 0xffff) {
      const loc = eocd - 20;
      if (loc < 0 || tail.readUInt32LE(loc) !== 0x07064b50) throw new Error(`${file}: zip64 locator missing`);
      const z64 = Buffer.alloc(56);
      await fh.read(z64, 0, 56, Number(tail.readBigUInt64LE(loc + 8)));
      if (z64.readUInt32LE(0) !== 0x06064b50) throw new Error(`${file}: bad zip64 end-of-central-directory record`);
      count = Number(z64.readBigUInt64LE(32));
      cdSize = Number(z64.readBigUInt64LE(40));
      cdOffset = Number(z64.readBigUInt64LE(48));
    }
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (cd.readUInt32LE(p) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${i}`);
      const method = cd.readUInt16LE(p + 10);
      let compressedSize = cd.readUInt32LE(p + 20);
      const uncompressed32 = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      let localHeaderOffset = cd.readUInt32LE(p + 42);
      const name = cd.toString("utf8", p + 46, p + 46 + nameLen);
      let e = p + 46 + nameLen;
      const extraEnd = e + extraLen;
      while (e + 4 <= extraEnd) {
        const id = cd.readUInt16LE(e);
        const len = cd.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let q = e + 4;
          if (uncompressed32 === 0xffffffff) q += 8;
          if (compressedSize === 0xffffffff) {
            compressedSize = Number(cd.readBigUInt64LE(q));
            q += 8;
          }
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = Number(cd.readBigUInt64LE(q));
        }
        e += 4 + len;
      }
      entries.push({ name, method, compressedSize, localHeaderOffset });
      p = extraEnd + commentLen;
    }
    return entries;
  } finally {
    await fh.close();
  }
}

/** Extracts every file of the zip `file` into `destDir`; returns the entry names written. */
export async function extractZip(file: string, destDir: string): Promise<string[]> {
  const entries = await readZipDirectory(file);
  const written: string[] = [];
  const fh = await open(file, "r");
  try {
    for (const entry of entries) {
      const target = safeEntryPath(destDir, entry.name, file);
      if (entry.name.endsWith("/")) {
        await mkdir(target, { recursive: true });
        continue;
      }
      const local = Buffer.alloc(30);
      await fh.read(local, 0, 30, entry.localHeaderOffset);
      if (local.readUInt32LE(0) !== 0x04034b50) throw new Error(`${file}: bad local header for ${entry.name}`);
      const start = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      await mkdir(path.dirname(target), { recursive: true });
      if (entry.compressedSize === 0) {
        await writeFile(target, "");
        written.push(entry.name);
        continue;
      }
      const source = createReadStream(file, { start, end: start + entry.compressedSize - 1 });
      if (entry.method === 0) {
        await pipeline(source, createWriteStream(target));
      } else if (entry.method === 8) {
        await pipeline(source, createInflateRaw(), createWriteStream(target));
      } else {
        source.destroy();
        throw new Error(`${file}: entry ${entry.name} uses unsupported compression method ${entry.method}`);
      }
      written.push(entry.name);
    }
  } finally {
    await fh.close();
  }
  return written;
}

/**
 * Extracts the regular files of the tar.gz `file` whose base name passes `want` into `destDir`
 * (flattened: written under their base name), streaming; returns the base names written.
 */
export async function extractTarGz(file: string, destDir: string, want: (baseName: string) => boolean): Promise<string[]> {
  await mkdir(destDir, { recursive: true });
  const written: string[] = [];
  let pending: Buffer = Buffer.alloc(0);
  let remaining = 0; // bytes of the current entry's data still to come
  let padding = 0; // bytes of block padding after it
  let out: ReturnType<typeof createWriteStream> | undefined;
  let longName: string | undefined;
  let collectLongName: Buffer[] | undefined;
  const closeOut = async (): Promise<void> => {
    if (out === undefined) return;
    const s = out;
    out = undefined;
    await new Promise<void>((resolve, reject) => s.end((err?: Error | null) => (err ? reject(err) : resolve())));
  };
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      (async () => {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        for (;;) {
          if (remaining > 0) {
            if (pending.length === 0) return;
            const take = Math.min(remaining, pending.length);
            const piece = pending.subarray(0, take);
            if (collectLongName) collectLongName.push(Buffer.from(piece));
            else if (out && !out.write(piece)) await new Promise<void>((r) => out!.once("drain", () => r()));
            pending = pending.subarray(take);
            remaining -= take;
            if (remaining > 0) return;
            if (collectLongName) {
              longName = Buffer.concat(collectLongName).toString("utf8").replace(/\0.*$/s, "");
              collectLongName = undefined;
            }
            await closeOut();
          }
          if (padding > 0) {
            const skip = Math.min(padding, pending.length);
            pending = pending.subarray(skip);
            padding -= skip;
            if (padding > 0) return;
          }
          if (pending.length < 512) return;
          const header = pending.subarray(0, 512);
          pending = pending.subarray(512);
          if (header.every((b) => b === 0)) continue; // end-of-archive blocks
          const field = (a: number, b: number): string => header.toString("utf8", a, b).replace(/\0.*$/s, "");
          const size = parseInt(field(124, 136).trim() || "0", 8);
          const type = String.fromCharCode(header[156]!);
          const prefix = field(345, 500);
          const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
          if (type !== "L") longName = undefined;
          remaining = size;
          padding = (512 - (size % 512)) % 512;
          if (type === "L") collectLongName = [];
          else if ((type === "0" || type === "\0") && want(path.basename(name))) {
            const base = path.basename(name);
            out = createWriteStream(safeEntryPath(destDir, base, file));
            written.push(base);
          }
          if (remaining === 0) {
            if (collectLongName) collectLongName = undefined;
            await closeOut();
          }
        }
      })().then(() => done(), done);
    },
  });
  await pipeline(createReadStream(file), createGunzip(), sink);
  await closeOut();
  return written;
}
