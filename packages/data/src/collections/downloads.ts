/**
 * Official download locations and checksums of the registry's datasets, and a downloader that
 * streams to a temp file, verifies the md5, extracts, and renames into place. Without network it
 * fails at once (the caller adds what to place where).
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { createGunzip } from "node:zlib";
import { replaceFileAtomic } from "@i3/core";
import { extractTarGz, extractZip } from "./archives.js";

/** One downloadable file: its URL and published md5. */
export interface DownloadSpec {
  url: string;
  /** Published md5 of the file; verification is mandatory. */
  md5: string;
  /** Where the checksum comes from. */
  md5Source: string;
}

/** The BEIR download folder (Thakur et al. 2021). */
export const BEIR_BASE_URL = "https://public.ukp.informatik.tu-darmstadt.de/thakur/BEIR/datasets";

const BEIR_MD5_SOURCE = "BEIR README dataset table (github.com/beir-cellar/beir)";

/**
 * md5 of each public BEIR zip, as published in the BEIR README. (BioASQ, Signal-1M, TREC-NEWS and
 * Robust04 are not publicly downloadable; place them by hand.)
 */
export const BEIR_ZIP_MD5: Readonly<Record<string, string>> = {
  msmarco: "444067daf65d982533ea17ebd59501e4",
  "trec-covid": "ce62140cb23feb9becf6270d0d1fe6d1",
  nfcorpus: "a89dba18a62ef92f7d323ec890a0d38d",
  nq: "d4d3d2e48787a744b6f6e691ff534307",
  hotpotqa: "f412724f78b0d91183a0e86805e16114",
  fiqa: "17918ed23cd04fb15047f73e6c3bd9d9",
  arguana: "8ad3e3c2a5867cdced806d6503f29b99",
  "webis-touche2020": "46f650ba5a527fc69e0a6521c5a23563",
  cqadupstack: "4e41456d7df8ee7760a7f866133bda78",
  quora: "18fb154900ba42a600f84b839c173167",
  "dbpedia-entity": "c2a39eb420a3164af735795df012ac2c",
  scidocs: "38121350fc3a4d2f48850f6aff52e4a9",
  fever: "5a818580227bfb4b35bb6fa46d9b6c03",
  "climate-fever": "8b66f0a9126c521bae2bde127b4dc99d",
  scifact: "5f7d1de60b170fc8027bb7898e2efca1",
};

/** The download of BEIR dataset `name`, or undefined when BEIR does not distribute it. */
export function beirDownload(name: string): DownloadSpec | undefined {
  const md5 = BEIR_ZIP_MD5[name];
  return md5 === undefined ? undefined : { url: `${BEIR_BASE_URL}/${name}.zip`, md5, md5Source: BEIR_MD5_SOURCE };
}

/** MS MARCO passage files (Bajaj et al. 2016; TREC DL 2019). */
export const MSMARCO_PASSAGE_DOWNLOADS = {
  /** collection.tsv, queries.{train,dev,eval}[.small].tsv, qrels.{train,dev.small}.tsv (1,057,717,952 bytes). */
  collectionAndQueries: {
    url: "https://msmarco.z22.web.core.windows.net/msmarcoranking/collectionandqueries.tar.gz",
    md5: "31644046b18952c1386cd4564ba2ae69",
    md5Source: "Anserini/Pyserini MS MARCO passage guides and ir_datasets",
  },
  /** TREC DL 2019 passage qrels (187,092 bytes; md5 checked against a local copy). */
  trecDl2019Qrels: {
    url: "https://trec.nist.gov/data/deep/2019qrels-pass.txt",
    md5: "2f4be390198da108f6845c822e5ada14",
    md5Source: "ir_datasets; verified against a local copy of the official 2019qrels-pass.txt",
  },
  /** TREC DL 2019 queries, gzipped (200 queries, 43 judged). */
  trecDl2019Queries: {
    url: "https://msmarco.z22.web.core.windows.net/msmarcoranking/msmarco-test2019-queries.tsv.gz",
    md5: "eda71eccbe4d251af83150abe065368c",
    md5Source: "ir_datasets (not verified locally: no copy here)",
  },
} as const satisfies Record<string, DownloadSpec>;

/** A failed or impossible download; `message` says why. */
export class DownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DownloadError";
  }
}

/** How long to wait for a server's response headers. */
const CONNECT_TIMEOUT_MS = 60_000;

/** True unless downloads are switched off with env `I3_OFFLINE=1`. */
export function downloadsAllowed(): boolean {
  return !["1", "true", "yes"].includes((process.env.I3_OFFLINE ?? "").toLowerCase());
}

/** Streams `spec.url` to `dest` (atomically, via a temp file) and checks its md5; returns `dest`. */
export async function downloadVerified(spec: DownloadSpec, dest: string): Promise<string> {
  if (!downloadsAllowed()) throw new DownloadError(`downloads are switched off (I3_OFFLINE=1): ${spec.url}`);
  let response: Response;
  // The timeout covers connecting and the response headers only, not the (long) body transfer.
  const connect = new AbortController();
  const timer = setTimeout(() => connect.abort(), CONNECT_TIMEOUT_MS);
  try {
    response = await fetch(spec.url, { redirect: "follow", signal: connect.signal });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new DownloadError(`cannot download ${spec.url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok || response.body === null) throw new DownloadError(`cannot download ${spec.url}: HTTP ${response.status}`);
  const body = response.body as WebReadableStream;
  const md5 = createHash("md5");
  const hasher = new Transform({
    transform(chunk: Buffer, _enc, done) {
      md5.update(chunk);
      done(null, chunk);
    },
  });
  // A checksum mismatch throws inside the write, so the file never reaches `dest`.
  await replaceFileAtomic(dest, async (temp) => {
    await pipeline(Readable.fromWeb(body), hasher, createWriteStream(temp));
    const got = md5.digest("hex");
    if (got !== spec.md5) throw new DownloadError(`${spec.url}: md5 ${got} does not match the published ${spec.md5} (${spec.md5Source})`);
  });
  return dest;
}

/**
 * Downloads and unpacks BEIR dataset `name` into `targetDir` (which must not exist): the zip is
 * verified, extracted into a temp folder, and its `<name>/` folder renamed to `targetDir`.
 * (Not `writeDirAtomic`: what is renamed is a subfolder of the work folder, found after unpacking.)
 */
export async function downloadBeirDataset(name: string, targetDir: string): Promise<void> {
  const spec = beirDownload(name);
  if (spec === undefined) throw new DownloadError(`BEIR does not distribute "${name}" (known: ${Object.keys(BEIR_ZIP_MD5).join(", ")})`);
  const work = `${targetDir}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    const zip = await downloadVerified(spec, path.join(work, `${name}.zip`));
    const unpacked = path.join(work, "unpacked");
    await extractZip(zip, unpacked);
    const top = (await readdir(unpacked)).filter((n) => !n.startsWith("__MACOSX"));
    const inner = top.length === 1 ? path.join(unpacked, top[0]!) : unpacked;
    await mkdir(path.dirname(targetDir), { recursive: true });
    await rename(inner, targetDir);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Downloads MS MARCO passage into `targetDir` (which must not exist): collection.tsv and the
 * official queries/qrels from collectionandqueries.tar.gz, plus the TREC DL 2019 queries and qrels.
 * (Not `writeDirAtomic`: the archives download into the same work folder, beside `files/`.)
 */
export async function downloadMsMarcoPassage(targetDir: string): Promise<void> {
  const d = MSMARCO_PASSAGE_DOWNLOADS;
  const work = `${targetDir}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const files = path.join(work, "files");
  try {
    const tgz = await downloadVerified(d.collectionAndQueries, path.join(work, "collectionandqueries.tar.gz"));
    await extractTarGz(tgz, files, (n) => /^(collection|queries\.[a-z.]+|qrels\.[a-z.]+)\.tsv$/.test(n));
    await rm(tgz);
    await downloadVerified(d.trecDl2019Qrels, path.join(files, "2019qrels-pass.txt"));
    const gz = await downloadVerified(d.trecDl2019Queries, path.join(work, "msmarco-test2019-queries.tsv.gz"));
    await pipeline(createReadStream(gz), createGunzip(), createWriteStream(path.join(files, "msmarco-test2019-queries.tsv")));
    await mkdir(path.dirname(targetDir), { recursive: true });
    await rename(files, targetDir);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
