/** Reading trec_eval's text output (`measure<TAB>qid<TAB>value`, the name padded with spaces) in tests. */
import { readFileSync } from "node:fs";

/** trec_eval output -> measure name (unpadded) -> qid (`all` for the aggregate) -> value as printed. */
export function readTrecEvalOutput(path: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line === "") continue;
    const [name, qid, value] = line.split("\t");
    if (name === undefined || qid === undefined || value === undefined) throw new Error(`${path}: not a trec_eval line: ${JSON.stringify(line)}`);
    const key = name.trim();
    let byQuery = out.get(key);
    if (byQuery === undefined) out.set(key, (byQuery = new Map()));
    byQuery.set(qid, value);
  }
  return out;
}
