/**
 * `generated.tsv`, the I3 reference's pseudo-query file (Deriq-Qian-Dong/III-Retriever: one
 * generated query per passage): one line per passage, `pid<TAB>text`, UTF-8, `\n` line ends.
 * The text is one line without tabs (whitespace runs are collapsed when generating); it may be
 * empty. Blank lines are skipped on reading; gzip is read and written on `.gz`.
 */
import { InputError, mapLines, writeLinesAtomic } from "@i3/data";

function show(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
}

/**
 * Reads a `generated.tsv` into pid -> text, in file order. Errors (`InputError`, naming file,
 * line and field): a line without a tab, an empty pid, a tab inside the text, a repeated pid.
 */
export async function readGeneratedTsv(path: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const firstLine = new Map<string, number>();
  const rows = mapLines(path, (line, lineNo) => {
    if (line.trim() === "") return undefined;
    const tab = line.indexOf("\t");
    if (tab < 0) throw new InputError(path, lineNo, undefined, `expected "pid<TAB>text", found no tab: ${show(line)}`);
    const pid = line.slice(0, tab).trim();
    if (pid === "") throw new InputError(path, lineNo, "pid", "is empty");
    const text = line.slice(tab + 1);
    if (text.includes("\t")) throw new InputError(path, lineNo, "text", `contains a tab (expected exactly 2 columns): ${show(text)}`);
    return { pid, text, lineNo };
  });
  for await (const { pid, text, lineNo } of rows) {
    const first = firstLine.get(pid);
    if (first !== undefined) throw new InputError(path, lineNo, "pid", `${show(pid)} repeats line ${first}`);
    firstLine.set(pid, lineNo);
    out.set(pid, text);
  }
  return out;
}

/**
 * Writes pid -> text as `generated.tsv`, atomically (temp file then rename; gzip on `.gz`), in
 * the map's (or iterable's) order. Throws, leaving any existing file untouched, on an empty pid,
 * a pid with whitespace-breaking characters, or a text with a tab or newline.
 */
export async function writeGeneratedTsv(
  path: string,
  entries: ReadonlyMap<string, string> | Iterable<readonly [string, string]> | AsyncIterable<readonly [string, string]>,
): Promise<void> {
  await writeLinesAtomic(path, generatedLines(entries));
}

async function* generatedLines(
  entries: ReadonlyMap<string, string> | Iterable<readonly [string, string]> | AsyncIterable<readonly [string, string]>,
): AsyncGenerator<string> {
  let index = 0;
  for await (const [pid, text] of entries as AsyncIterable<readonly [string, string]>) {
    if (pid === "" || /[\t\r\n]/u.test(pid) || pid.trim() !== pid) {
      throw new Error(`writeGeneratedTsv: entry ${index}: pid ${show(pid)} must be non-empty, trimmed, without tabs or newlines`);
    }
    if (/[\t\r\n]/u.test(text)) throw new Error(`writeGeneratedTsv: entry ${index} (pid ${show(pid)}): text contains a tab or newline`);
    index++;
    yield `${pid}\t${text}`;
  }
}
