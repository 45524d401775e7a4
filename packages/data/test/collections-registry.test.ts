/**
 * The datasets registry and the on-disk collections: name parsing, BEIR-layout folders,
 * MS MARCO official files, lookup roots, refusal of empty data, offline errors that say what to
 * place where, md5-checked downloads (local HTTP server) and archive extraction.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  BeirCollection,
  DownloadError,
  datasetCandidates,
  datasetFolder,
  defaultDatasetsDir,
  downloadVerified,
  extractTarGz,
  extractZip,
  openMsMarcoPassage,
  parseDatasetName,
  resolveDataset,
  type Passage,
} from "@i3/data";

let tmp: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "i3-registry-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
afterEach(() => {
  for (const k of ["I3_DATASETS_PATH", "I3_OFFLINE", "I3_DATASETS_DIR", "I3_CACHE_DIR", "HOME"]) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

async function writeBeirFolder(dir: string, files: Record<string, string>): Promise<string> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}

const MINI = {
  "corpus.jsonl": '{"_id": "d2", "title": "Second", "text": "beta text"}\n{"_id": "d1", "text": "alpha text", "metadata": {}}\n',
  "queries.jsonl": '{"_id": "q1", "text": "alpha?"}\n{"_id": "q2", "text": "beta?"}\n{"_id": "q3", "text": "unjudged"}\n',
  "qrels/test.tsv": "query-id\tcorpus-id\tscore\nq2\td2\t1\nq1\td1\t2\n",
  "qrels/train.tsv": "query-id\tcorpus-id\tscore\nq1\td2\t0\n",
  "qrels/extra.tsv": "query-id\tcorpus-id\tscore\nq2\td1\t1\n",
};

async function collect(it: AsyncIterable<Passage>): Promise<Passage[]> {
  const out: Passage[] = [];
  for await (const p of it) out.push(p);
  return out;
}

describe("parseDatasetName", () => {
  it("accepts the four forms and rejects the rest", () => {
    expect(parseDatasetName("default")).toEqual({ kind: "default" });
    expect(parseDatasetName("msmarco-passage")).toEqual({ kind: "msmarco-passage" });
    expect(parseDatasetName("beir/scifact")).toEqual({ kind: "beir", name: "scifact" });
    expect(parseDatasetName("beir/cqadupstack/android")).toEqual({ kind: "beir", name: "cqadupstack/android" });
    expect(parseDatasetName("local:./x")).toEqual({ kind: "local", dir: "./x" });
    for (const bad of ["", "beir/", "beir/../etc", "local:", "scifact", "msmarco"]) expect(() => parseDatasetName(bad)).toThrow(/unknown dataset/);
  });
});

describe("BeirCollection (local:<dir>)", () => {
  it("streams the corpus in file order and serves judged queries and qrels per split", async () => {
    const dir = await writeBeirFolder(path.join(tmp, "mini"), MINI);
    const c = await resolveDataset(`local:${dir}`);
    expect(c.name).toBe(`local:${dir}`);
    expect(c.dir).toBe(dir);
    expect(c.splits).toEqual(["train", "test", "extra"]);
    expect(await collect(c.corpus())).toEqual([
      { id: "d2", title: "Second", text: "beta text" },
      { id: "d1", title: "", text: "alpha text" },
    ]);
    expect(await c.queries("test")).toEqual([
      { id: "q2", text: "beta?" },
      { id: "q1", text: "alpha?" },
    ]);
    expect(await c.qrels("test")).toEqual(new Map([["q2", new Map([["d2", 1]])], ["q1", new Map([["d1", 2]])]]));
    expect(await c.qrels("train")).toEqual(new Map([["q1", new Map([["d2", 0]])]]));
    await expect(c.queries("dev")).rejects.toThrow(/unknown split "dev"/);
  });

  it("refuses incomplete folders, empty corpora, empty splits and unknown judged queries", async () => {
    await expect(resolveDataset(`local:${path.join(tmp, "nowhere")}`)).rejects.toThrow(/missing corpus.jsonl, queries.jsonl, qrels\/<split>.tsv/);
    const noQrels = await writeBeirFolder(path.join(tmp, "noqrels"), { "corpus.jsonl": MINI["corpus.jsonl"], "queries.jsonl": MINI["queries.jsonl"] });
    await expect(BeirCollection.open(noQrels)).rejects.toThrow(/missing qrels\/<split>.tsv/);
    const emptyCorpus = await writeBeirFolder(path.join(tmp, "empty"), { ...MINI, "corpus.jsonl": "\n" });
    await expect(BeirCollection.open(emptyCorpus)).rejects.toThrow(/corpus.jsonl: .*corpus file is empty/);
    const emptySplit = await writeBeirFolder(path.join(tmp, "emptysplit"), { ...MINI, "qrels/dev.tsv": "query-id\tcorpus-id\tscore\n\n" });
    await expect(BeirCollection.open(emptySplit)).rejects.toThrow(/dev.tsv: .*split "dev" has no judgments/);
    const unknownQuery = await writeBeirFolder(path.join(tmp, "unknownq"), { ...MINI, "qrels/test.tsv": "query-id\tcorpus-id\tscore\nq9\td1\t1\n" });
    await expect((await BeirCollection.open(unknownQuery)).queries("test")).rejects.toThrow(/test.tsv: 1 judged query id\(s\) are not in .*queries.jsonl, e.g. \["q9"\]/);
    const badLine = await writeBeirFolder(path.join(tmp, "badline"), { ...MINI, "corpus.jsonl": '{"_id": "d1", "text": "ok"}\n{"_id": "d2"}\n' });
    await expect(collect((await BeirCollection.open(badLine)).corpus())).rejects.toThrow(/corpus.jsonl:2: field "text": is missing/);
  });
});

describe("lookup roots", () => {
  it("searches <datasetsDir>, then the folders of I3_DATASETS_PATH, and nothing beside the workspace", async () => {
    const root = path.join(tmp, "extra-root");
    await writeBeirFolder(path.join(root, "mini"), MINI);
    process.env.I3_DATASETS_PATH = `${path.join(tmp, "absent")}${path.delimiter}${root}`;
    const datasetsDir = path.join(tmp, "datasets");
    const workspace = path.join(tmp, "ws", "main");
    // A shared/datasets folder beside the workspace holding the collection is not searched.
    await writeBeirFolder(path.join(tmp, "ws", "shared", "datasets", "mini"), MINI);
    await mkdir(workspace, { recursive: true });
    await writeFile(path.join(workspace, "nx.json"), "{}");
    expect(datasetCandidates(parseDatasetName("beir/mini"), { datasetsDir, cwd: workspace })).toEqual([
      path.join(datasetsDir, "beir", "mini"),
      path.join(tmp, "absent", "beir", "mini"),
      path.join(tmp, "absent", "mini"),
      path.join(root, "beir", "mini"),
      path.join(root, "mini"),
    ]);
    expect(datasetFolder("beir/mini", { datasetsDir, cwd: workspace })).toBe(path.join(root, "mini"));
    const c = await resolveDataset("beir/mini", { datasetsDir, cwd: workspace });
    expect(c.dir).toBe(path.join(root, "mini"));
    expect(c.name).toBe("beir/mini");
    // The writable folder wins once it exists.
    await writeBeirFolder(path.join(datasetsDir, "beir", "mini"), MINI);
    expect((await resolveDataset("beir/mini", { datasetsDir, cwd: workspace })).dir).toBe(path.join(datasetsDir, "beir", "mini"));

    // Without I3_DATASETS_PATH only the datasets folder is searched; its default is the workspace's datasets/.
    delete process.env.I3_DATASETS_PATH;
    delete process.env.I3_DATASETS_DIR;
    expect(datasetCandidates(parseDatasetName("msmarco-passage"), { cwd: workspace })).toEqual([path.join(workspace, "datasets", "msmarco-passage")]);
    expect(datasetFolder("beir/mini", { cwd: workspace })).toBeUndefined();
    process.env.I3_DATASETS_DIR = datasetsDir;
    expect(datasetFolder("beir/mini", { cwd: workspace })).toBe(path.join(datasetsDir, "beir", "mini"));
  });

  it("takes the datasets folder from I3_DATASETS_DIR, else I3_CACHE_DIR/datasets, else the workspace's datasets/, else ~/.cache/i3/datasets", async () => {
    const workspace = path.join(tmp, "precedence", "ws");
    const outside = path.join(tmp, "precedence", "outside");
    await mkdir(path.join(workspace, "sub"), { recursive: true });
    await mkdir(outside, { recursive: true });
    await writeFile(path.join(workspace, "nx.json"), "{}");
    delete process.env.I3_DATASETS_DIR;
    delete process.env.I3_CACHE_DIR;
    process.env.HOME = path.join(tmp, "precedence", "home");
    expect(defaultDatasetsDir(outside)).toBe(path.join(tmp, "precedence", "home", ".cache", "i3", "datasets"));
    expect(defaultDatasetsDir(path.join(workspace, "sub"))).toBe(path.join(workspace, "datasets"));
    process.env.I3_CACHE_DIR = path.join(tmp, "precedence", "cache");
    expect(defaultDatasetsDir(outside)).toBe(path.join(tmp, "precedence", "cache", "datasets"));
    expect(defaultDatasetsDir(path.join(workspace, "sub"))).toBe(path.join(tmp, "precedence", "cache", "datasets"));
    process.env.I3_CACHE_DIR = "  "; // blank: unset
    expect(defaultDatasetsDir(outside)).toBe(path.join(tmp, "precedence", "home", ".cache", "i3", "datasets"));
    process.env.I3_CACHE_DIR = path.join(tmp, "precedence", "cache");
    process.env.I3_DATASETS_DIR = path.join(tmp, "precedence", "mine");
    expect(defaultDatasetsDir(workspace)).toBe(path.join(tmp, "precedence", "mine"));
  });

  it("says what to place where, and names the variables and local:<dir>, when a BEIR dataset is missing and downloads are impossible", async () => {
    process.env.I3_OFFLINE = "1";
    delete process.env.I3_DATASETS_PATH;
    const datasetsDir = path.join(tmp, "offline");
    const stderr = vi.spyOn(process.stderr, "write");
    const err = await resolveDataset("beir/nfcorpus", { datasetsDir, cwd: tmp }).catch((e: Error) => e);
    // Nothing is written, so no "i3: writing datasets to ..." notice either.
    expect(stderr.mock.calls.map(([chunk]) => String(chunk)).filter((line) => line.includes("writing datasets"))).toEqual([]);
    stderr.mockRestore();
    expect(err).toBeInstanceOf(Error);
    const msg = (err as Error).message;
    expect(msg).toContain(`beir/nfcorpus was not found in: ${path.join(datasetsDir, "beir", "nfcorpus")}.`);
    expect(msg).toContain(`place the unzipped BEIR folder at ${path.join(datasetsDir, "beir", "nfcorpus")} (corpus.jsonl, queries.jsonl, qrels/<split>.tsv)`);
    expect(msg).toContain("https://public.ukp.informatik.tu-darmstadt.de/thakur/BEIR/datasets/nfcorpus.zip");
    expect(msg).toContain(
      `The datasets folder is ${datasetsDir} (chosen by --datasets-dir, else env I3_DATASETS_DIR, else $I3_CACHE_DIR/datasets, else the workspace's datasets/, else ~/.cache/i3/datasets)`,
    );
    expect(msg).toContain("env I3_DATASETS_PATH adds read-only folders to search (unset)");
    expect(msg).toContain("local:<dir>");
    const off = (await resolveDataset("beir/nfcorpus", { datasetsDir, cwd: tmp, download: false }).catch((e: Error) => e)) as Error;
    expect(off.message).toMatch(/Downloads are off; .*I3_DATASETS_DIR.*I3_DATASETS_PATH.*local:<dir>/);
    expect(existsSync(path.join(datasetsDir, "beir"))).toBe(false);
  });

  // The real collections, found through I3_DATASETS_PATH (`.ci/run` and the Vitest config point it
  // at this project's shared datasets folder when there is one).
  const scifact = datasetFolder("beir/scifact", { datasetsDir: path.join(os.tmpdir(), "i3-no-datasets") });
  const msmarco = datasetFolder("msmarco-passage", { datasetsDir: path.join(os.tmpdir(), "i3-no-datasets") });
  const corpusless = msmarco !== undefined && !["collection.tsv", "collection.tsv.gz", "corpus.jsonl", "corpus.jsonl.gz"].some((f) => existsSync(path.join(msmarco, f)));
  if (scifact === undefined) console.warn("SciFact registry test skipped: no scifact/ folder in I3_DATASETS_PATH");
  if (!corpusless) console.warn("MS MARCO registry test skipped: no msmarco-passage/ folder without a corpus in I3_DATASETS_PATH");

  it.skipIf(scifact === undefined)("finds SciFact through I3_DATASETS_PATH", async () => {
    const c = await resolveDataset("beir/scifact", { datasetsDir: path.join(tmp, "none") });
    expect(c.dir).toBe(scifact);
    expect(c.splits).toEqual(["train", "test"]);
    let docs = 0;
    for await (const p of c.corpus()) if (p.id !== "") docs++;
    expect(docs).toBe(5183);
    expect((await c.queries("test")).length).toBe(300);
    expect([...(await c.qrels("test")).values()].reduce((s, m) => s + m.size, 0)).toBe(339);
  });

  it.skipIf(!corpusless)("says a read-only MS MARCO copy without a corpus has none, and where to put it", async () => {
    process.env.I3_OFFLINE = "1";
    const datasetsDir = path.join(tmp, "mm");
    const err = (await resolveDataset("msmarco-passage", { datasetsDir }).catch((e: Error) => e)) as Error;
    expect(err.message).toContain(`the corpus is missing in ${msmarco}`);
    expect(err.message).toContain("collection.tsv");
    expect(err.message).toContain(path.join(datasetsDir, "msmarco-passage"));
    expect(err.message).toContain("31644046b18952c1386cd4564ba2ae69");
    expect(err.message).toContain("downloads are switched off");
    expect(err.message).toContain("I3_DATASETS_PATH");
  });
});

describe("MS MARCO official files", () => {
  it("reads collection.tsv with official-format queries and TREC qrels", async () => {
    const dir = await writeBeirFolder(path.join(tmp, "msmarco"), {
      "collection.tsv": "0\tThe presence of communication amid scientific minds\n1\tThe Manhattan Project\n",
      "official-format/queries.dev.small.tsv": "1048585\twhat is paula deen's brother\n2\t Androgen receptor define\n",
      "official-format/qrels.dev.small.tsv": "1048585\t0\t1\t1\n2\t0\t0\t1\n",
      "official-format/msmarco-test2019-queries.tsv": "19335\tanthropological definition of environment\n",
      "official-format/2019qrels-pass.txt": "19335 Q0 0 0\n19335 Q0 1 3\n",
    });
    const c = await openMsMarcoPassage(dir, dir);
    expect(c.splits).toEqual(["dev", "test"]);
    expect(await collect(c.corpus())).toEqual([
      { id: "0", title: "", text: "The presence of communication amid scientific minds" },
      { id: "1", title: "", text: "The Manhattan Project" },
    ]);
    expect(await c.queries("dev")).toEqual([
      { id: "1048585", text: "what is paula deen's brother" },
      { id: "2", text: " Androgen receptor define" },
    ]);
    expect(await c.qrels("test")).toEqual(new Map([["19335", new Map([["0", 0], ["1", 3]])]]));
    await rm(path.join(dir, "collection.tsv"));
    await expect(openMsMarcoPassage(dir, dir)).rejects.toThrow(/the corpus is missing in .*put collection.tsv/);
  });
});

describe("downloads", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/hello.txt") res.end("hello");
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("keeps a file whose md5 matches and refuses one that does not", async () => {
    const dest = path.join(tmp, "dl", "hello.txt");
    // md5("hello") = 5d41402abc4b2a76b9719d911017c592 (RFC 1321 test suites list it; `printf hello | md5sum`).
    await downloadVerified({ url: `${base}/hello.txt`, md5: "5d41402abc4b2a76b9719d911017c592", md5Source: "test" }, dest);
    expect(await readFile(dest, "utf8")).toBe("hello");
    const bad = path.join(tmp, "dl", "bad.txt");
    await expect(downloadVerified({ url: `${base}/hello.txt`, md5: "0".repeat(32), md5Source: "test" }, bad)).rejects.toThrow(DownloadError);
    await expect(downloadVerified({ url: `${base}/missing`, md5: "0".repeat(32), md5Source: "test" }, bad)).rejects.toThrow(/HTTP 404/);
    expect((await readdir(path.join(tmp, "dl"))).sort()).toEqual(["hello.txt"]);
  });
});

// Made with Python's zipfile / tarfile (independent of the extractors under test).
const ZIP_B64 =
  "UEsDBBQAAAAAAAAAIQAAAAAAAAAAAAAAAAAFAAAAbWluaS9QSwMEFAAAAAgA7xZ2XbCwe8ItAAAAMwAAABEAAABtaW5pL2NvcnB1cy5qc29ubKtWis9MUbJSUEoxVNJRUCrJLMlJBXFDwLzUihIQJyM1JydfoTy/KCdFqZYLAFBLAwQUAAAAAADvFnZd11grhCEAAAAhAAAAEwAAAG1pbmkvcXJlbHMvdGVzdC50c3ZxdWVyeS1pZAljb3JwdXMtaWQJc2NvcmUKcTEJZDEJMQpQSwECFAMUAAAAAAAAACEAAAAAAAAAAAAAAAAABQAAAAAAAAAAAAAAgAEAAAAAbWluaS9QSwECFAMUAAAACADvFnZdsLB7wi0AAAAzAAAAEQAAAAAAAAAAAAAAgAEjAAAAbWluaS9jb3JwdXMuanNvbmxQSwECFAMUAAAAAADvFnZd11grhCEAAAAhAAAAEwAAAAAAAAAAAAAAgAF/AAAAbWluaS9xcmVscy90ZXN0LnRzdlBLBQYAAAAAAwADALMAAADRAAAAAAA=";
const TGZ_B64 =
  "H4sIAKJZAmsC/+3XQW7DIBAFULbuKTgBBorjbQ/gSyBMUxSMU0PSHL8kqlzVihRVaZwq/m8z1mytPzOY3ntrkuuDDu37zg7OxtKMTZbinlyLZyulTjWbVs6V+P4+9kXFeUUoJzPYxaQHSslC8eLVDTHRrY5Rr+2TKKI1fWjHBoFHZs7l/6uy1u5Z7LT3142Bi/nn9ST/KymQ/1nUxcebTkj5UrGSlS9NH9aNC5tb7ZjzuR8zL6X8mX9e15UgtEH+7zP/D3fyJ9cm/Lf/f3H/i0n+n1UlFfb/HHwe/TToDof+Mg1Wt51l6ZBu+Mb87f2f938uyP8M4sZtaWcRBAAAAAAAAAAAAIAH8wnS9RY2ACgAAA==";

describe("archives", () => {
  it("extracts stored and deflated zip entries", async () => {
    const zip = path.join(tmp, "mini.zip");
    await writeFile(zip, Buffer.from(ZIP_B64, "base64"));
    const out = path.join(tmp, "unzipped");
    expect(await extractZip(zip, out)).toEqual(["mini/corpus.jsonl", "mini/qrels/test.tsv"]);
    expect(await readFile(path.join(out, "mini", "corpus.jsonl"), "utf8")).toBe('{"_id": "d1", "title": "T", "text": "hello world"}\n');
    expect(await readFile(path.join(out, "mini", "qrels", "test.tsv"), "utf8")).toBe("query-id\tcorpus-id\tscore\nq1\td1\t1\n");
  });

  it("streams wanted files out of a tar.gz, long GNU names included", async () => {
    const tgz = path.join(tmp, "cq.tar.gz");
    await writeFile(tgz, Buffer.from(TGZ_B64, "base64"));
    const out = path.join(tmp, "untarred");
    const long = "x".repeat(120) + ".tsv";
    expect(await extractTarGz(tgz, out, (n) => n.endsWith(".tsv"))).toEqual(["collection.tsv", "queries.dev.small.tsv", long]);
    expect(await readFile(path.join(out, "collection.tsv"), "utf8")).toBe("0\tfirst passage\n1\tsecond passage\n");
    expect(await readFile(path.join(out, "queries.dev.small.tsv"), "utf8")).toBe("7\twhat\n");
    expect(await readFile(path.join(out, long), "utf8")).toBe("long name\n");
    expect((await readdir(out)).sort()).toEqual(["collection.tsv", "queries.dev.small.tsv", long].sort());
  });
});
