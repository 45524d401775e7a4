/**
 * Writes the default collection in BEIR layout (`corpus.jsonl`, `queries.jsonl`,
 * `qrels/{train,dev,test}.tsv`) plus `stats.json` and a provenance `README.md`.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "@i3/core";
import { writeBeirCorpus, writeBeirQrels, writeBeirQueries } from "../../formats/index.js";
import type { Qrels } from "../../types.js";
import type { DefaultCollectionData, DefaultCollectionStats, QrelRow } from "./build-default.js";
import { HAM_GROUPS, SOURCE_PACKAGE, type SourceInfo } from "./source.js";
import { DEFAULT_SPLIT_RULE } from "./split.js";

/**
 * Version of the builder's output. Bump it whenever cleaning, grouping, splitting or the file
 * layout changes: cached copies with another stamp are rebuilt.
 */
export const DEFAULT_BUILDER_VERSION = "2";

/** The content of `stats.json`. */
export interface DefaultStatsFile extends DefaultCollectionStats {
  builderVersion: string;
  source: { package: string; version: string; license: string; groups: readonly string[] };
  splitRule: { seed: string; fractions: Record<string, number> };
}

function toQrels(rows: readonly QrelRow[]): Qrels {
  const qrels: Qrels = new Map();
  for (const r of rows) {
    let docs = qrels.get(r.queryId);
    if (!docs) qrels.set(r.queryId, (docs = new Map()));
    docs.set(r.docId, r.score);
  }
  return qrels;
}

/** Writes all files of the collection into `dir` (which should be a fresh temp folder). */
export async function writeDefaultCollection(dir: string, data: DefaultCollectionData, source: SourceInfo): Promise<DefaultStatsFile> {
  await writeBeirCorpus(path.join(dir, "corpus.jsonl"), data.passages);
  await writeBeirQueries(path.join(dir, "queries.jsonl"), data.queries);
  for (const [split, rows] of data.qrels) await writeBeirQrels(path.join(dir, "qrels", `${split}.tsv`), toQrels(rows));
  const stats: DefaultStatsFile = {
    builderVersion: DEFAULT_BUILDER_VERSION,
    source: { package: SOURCE_PACKAGE, version: source.version, license: source.license, groups: HAM_GROUPS },
    splitRule: { seed: DEFAULT_SPLIT_RULE.seed, fractions: Object.fromEntries(DEFAULT_SPLIT_RULE.splits.map((s) => [s.name, s.fraction])) },
    ...data.stats,
  };
  await writeFileAtomic(path.join(dir, "stats.json"), JSON.stringify(stats, null, 2) + "\n");
  await writeFileAtomic(path.join(dir, "README.md"), await readmeText(stats, source));
  return stats;
}

async function readNotice(source: SourceInfo): Promise<string> {
  try {
    return (await readFile(path.join(source.packageDir, "NOTICE"), "utf8")).trim();
  } catch {
    return "(NOTICE file not found in the installed package)";
  }
}

async function readmeText(stats: DefaultStatsFile, source: SourceInfo): Promise<string> {
  const notice = await readNotice(source);
  const splitRows = Object.entries(stats.splits)
    .map(([name, s]) => `| ${name} | ${s.queries} | ${s.qrels} | ${s.meanQrelsPerQuery} | ${s.meanQueryWords} |`)
    .join("\n");
  return `# I3 default collection (built, do not edit)

Built by \`@i3/data\` (default-collection builder version ${stats.builderVersion}) from the ham mail
(${HAM_GROUPS.join(", ")}) of the npm package \`${SOURCE_PACKAGE}\` ${source.version}
(the SpamAssassin public mail corpus). Spam is not used.

- Query = a thread's normalised subject; relevant passages = the thread's messages (threads with
  >= ${stats.threads.minMessages} usable messages); every other usable message is a distractor.
- Passage = the cleaned message body; no title (the subject is the query, so a title would leak it).
- Splits: sha256("${stats.splitRule.seed}:<query id>") -> ${Object.entries(stats.splitRule.fractions)
    .map(([k, v]) => `${k} ${Math.round(v * 100)}%`)
    .join(" / ")}.
- Rules and rationale: packages/data/docs/collections.md in the I3 toolkit.

## Licence

The source package is licensed ${source.license} (package.json and its LICENSE file); its NOTICE
reads "${notice.split("\n").join(" ")}". The package README adds: "The data files (databases) are
licensed under an Open Data Commons Public Domain Dedication & License 1.0 and their contents are
licensed under Creative Commons Zero v1.0 Universal. The software is licensed under Apache License,
Version 2.0." Upstream corpus: http://spamassassin.apache.org/old/publiccorpus/readme.html

## Counts

${stats.passages.total} passages (${stats.passages.relevant} judged relevant, ${stats.passages.distractors} distractors,
mean ${stats.passages.meanWords} words); ${stats.messages.read} messages read, ${stats.dropped.total} dropped
(${Object.entries(stats.dropped)
    .filter(([k]) => k !== "total")
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ")}).

| split | queries | qrels | qrels/query | query words |
|---|---:|---:|---:|---:|
${splitRows}

Files: \`corpus.jsonl\`, \`queries.jsonl\`, \`qrels/<split>.tsv\` (BEIR layout), \`stats.json\`.
`;
}
