/** Test helpers: an in-memory Collection and a temporary folder. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Collection, Passage, Qrels, Query } from "@i3/data";

/** A Collection over arrays; `fingerprint` is settable to simulate a changed corpus. */
export class MemoryCollection implements Collection {
  readonly dir = "";
  readonly splits: readonly string[];
  fingerprintValue = "fp-1";
  corpusReads = 0;

  constructor(
    readonly name: string,
    readonly passages: Passage[],
    private readonly bySplit: Record<string, { queries: Query[]; qrels: Qrels }> = {},
  ) {
    this.splits = Object.keys(bySplit);
  }

  async fingerprint(): Promise<string> {
    return this.fingerprintValue;
  }

  async *corpus(): AsyncIterable<Passage> {
    this.corpusReads++;
    yield* this.passages;
  }

  async queries(split: string): Promise<Query[]> {
    const s = this.bySplit[split];
    if (!s) throw new Error(`unknown split ${split}`);
    return s.queries;
  }

  async qrels(split: string): Promise<Qrels> {
    const s = this.bySplit[split];
    if (!s) throw new Error(`unknown split ${split}`);
    return s.qrels;
  }
}

/** A fresh temporary folder. */
export function tempDir(prefix = "i3-pq-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Qrels from [qid, pid, grade] triples. */
export function qrelsOf(rows: [string, string, number][]): Qrels {
  const q: Qrels = new Map();
  for (const [qid, pid, g] of rows) {
    if (!q.has(qid)) q.set(qid, new Map());
    q.get(qid)!.set(pid, g);
  }
  return q;
}
