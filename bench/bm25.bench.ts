/**
 * `npm run bench -- bm25`: BM25 indexing (docs/s) and search (queries/s) speed.
 *
 * Two corpora: BEIR SciFact (`beir/scifact` where the datasets registry finds it, e.g. through
 * `I3_DATASETS_PATH`; 5,183 docs, 300 test queries; skipped when absent) and a deterministic synthetic corpus of 100,000 documents (seeded PRNG, Zipfian
 * vocabulary of 50,000 pseudo-words, 20-120 words per document, 1,000 queries of 2-8 words).
 * Indexing is timed over the full analyzer chain; search over `k` = 1000 and 10. Each search pass
 * runs 3 times and the fastest is kept. Writes `bench/out/bm25.json` atomically. Speed never
 * fails the run.
 */
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SeededRandom, writeFileAtomic } from "@i3/core";
import { BeirCollection, datasetFolder, type Passage, type Query } from "@i3/data";
import { Bm25Searcher, buildIndex, type InvertedIndex } from "@i3/search";

const here = dirname(fileURLToPath(import.meta.url));
const SCIFACT = datasetFolder("beir/scifact");
const SYNTHETIC_DOCS = Number(process.env.I3_BENCH_BM25_DOCS ?? 100_000);
const SYNTHETIC_VOCAB = 50_000;
const SYNTHETIC_QUERIES = 1_000;
const SEED = 20260101;


/** Pronounceable pseudo-words (so the tokenizer and stemmer do real work), distinct by rank. */
function pseudoWords(n: number, rand: () => number): string[] {
  const onsets = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "pr", "st", "tr", "ch"];
  const vowels = ["a", "e", "i", "o", "u", "io", "ea"];
  const endings = ["", "", "s", "ed", "ing", "ation", "al", "ness", "ly", "er"];
  const words = new Set<string>();
  while (words.size < n) {
    const syllables = 1 + Math.floor(rand() * 3);
    let w = "";
    for (let s = 0; s < syllables; s++) {
      w += onsets[Math.floor(rand() * onsets.length)]! + vowels[Math.floor(rand() * vowels.length)]!;
    }
    words.add(w + endings[Math.floor(rand() * endings.length)]!);
  }
  return [...words];
}

/** Draws word ranks from a Zipf(1) distribution over `n` words via the cumulative table. */
function zipfSampler(n: number, rand: () => number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) cdf[r] = sum += 1 / (r + 1);
  return () => {
    const x = rand() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function synthetic(): { passages: Passage[]; queries: Query[] } {
  const random = new SeededRandom(SEED);
  const rand = () => random.float();
  const words = pseudoWords(SYNTHETIC_VOCAB, rand);
  const draw = zipfSampler(words.length, rand);
  const sentence = (len: number) => Array.from({ length: len }, () => words[draw()]!).join(" ");
  const passages: Passage[] = [];
  for (let d = 0; d < SYNTHETIC_DOCS; d++) {
    passages.push({ id: `s${d}`, title: sentence(3), text: `${sentence(17 + Math.floor(rand() * 100))}.` });
  }
  const queries: Query[] = [];
  for (let q = 0; q < SYNTHETIC_QUERIES; q++) queries.push({ id: `q${q}`, text: sentence(2 + Math.floor(rand() * 7)) });
  return { passages, queries };
}

interface CorpusResult {
  docs: number;
  terms: number;
  postings: number;
  queries: number;
  indexSeconds: number;
  /** CPU seconds of this process while indexing (less sensitive than wall time to other load). */
  indexCpuSeconds: number;
  docsPerSec: number;
  docsPerCpuSec: number;
  searchK1000Seconds: number;
  queriesPerSecK1000: number;
  queriesPerCpuSecK1000: number;
  searchK10Seconds: number;
  queriesPerSecK10: number;
  queriesPerCpuSecK10: number;
}

/** Fastest of `repeats` runs of `fn`: wall and CPU seconds (each the minimum over the runs). */
function fastest(repeats: number, fn: () => void): { wall: number; cpu: number } {
  let wall = Infinity;
  let cpu = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    wall = Math.min(wall, (performance.now() - t0) / 1000);
    cpu = Math.min(cpu, (c.user + c.system) / 1e6);
  }
  return { wall, cpu };
}

async function measure(name: string, passages: Iterable<Passage> | AsyncIterable<Passage>, queries: Query[]): Promise<CorpusResult> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const index: InvertedIndex = await buildIndex(passages);
  const cpu = process.cpuUsage(cpu0);
  const indexCpuSeconds = (cpu.user + cpu.system) / 1e6;
  const indexSeconds = (performance.now() - t0) / 1000;
  const searcher = new Bm25Searcher(index);
  const search = (k: number) => () => {
    for (const q of queries) searcher.searchDocs(q.text, k);
  };
  const k1000 = fastest(3, search(1000));
  const k10 = fastest(3, search(10));
  const result: CorpusResult = {
    docs: index.docIds.length,
    terms: index.terms.length,
    postings: index.postingDocs.length,
    queries: queries.length,
    indexSeconds,
    indexCpuSeconds,
    docsPerSec: index.docIds.length / indexSeconds,
    docsPerCpuSec: index.docIds.length / indexCpuSeconds,
    searchK1000Seconds: k1000.wall,
    queriesPerSecK1000: queries.length / k1000.wall,
    queriesPerCpuSecK1000: queries.length / k1000.cpu,
    searchK10Seconds: k10.wall,
    queriesPerSecK10: queries.length / k10.wall,
    queriesPerCpuSecK10: queries.length / k10.cpu,
  };
  console.log(
    `${name}: ${result.docs} docs indexed in ${indexSeconds.toFixed(2)} s (${Math.round(result.docsPerSec)} docs/s; ${Math.round(result.docsPerCpuSec)} docs per CPU-s); ` +
      `${result.queries} queries: ${Math.round(result.queriesPerSecK1000)} q/s (${Math.round(result.queriesPerCpuSecK1000)} per CPU-s) at k=1000, ` +
      `${Math.round(result.queriesPerSecK10)} q/s (${Math.round(result.queriesPerCpuSecK10)} per CPU-s) at k=10`,
  );
  return result;
}

const results: Record<string, CorpusResult | string> = {};
if (SCIFACT !== undefined && existsSync(join(SCIFACT, "corpus.jsonl"))) {
  const collection = await BeirCollection.open(SCIFACT, "beir/scifact");
  // Warm-up pass (JIT, Unicode class tables) so the timed pass measures steady-state speed.
  await buildIndex(collection.corpus());
  results.scifact = await measure("scifact", collection.corpus(), await collection.queries("test"));
} else {
  results.scifact = "skipped: beir/scifact not found (datasets/beir/scifact, or a scifact/ folder in I3_DATASETS_PATH)";
  console.log(`scifact: ${results.scifact}`);
}
const { passages, queries } = synthetic();
results.synthetic100k = await measure(`synthetic ${SYNTHETIC_DOCS}`, passages, queries);

const out = join(here, "out", "bm25.json");
await writeFileAtomic(
  out,
  `${JSON.stringify(
    {
      benchmark: "bm25",
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      loadAverage1m: loadavg()[0],
      settings: { k1: 0.9, b: 0.4, quantizeLengths: true, analyzer: "Anserini default English" },
      results,
    },
    null,
    2,
  )}\n`,
);
console.log(`wrote ${out}`);
