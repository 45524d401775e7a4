/**
 * Id-text files (TREC/MS MARCO topics and collections): `id<TAB>text`, e.g.
 * `1048585	what is paula deen's brother`. The id is everything before the first tab (surrounding
 * spaces trimmed; it must be non-empty, without whitespace, and unique in the file); the text is
 * everything after it, verbatim (it may be empty; leading spaces are kept). Blank lines are skipped.
 */
import { checkId, checkToken, isBlank, UniqueIds } from "./fields.js";
import { InputError, quote } from "./input-error.js";
import { mapLines } from "./lines.js";
import { writeLinesAtomic } from "./atomic-write.js";

/** One line of an id-text file. */
export interface IdText {
  id: string;
  text: string;
}

/**
 * Streams the records of an id-text file (plain or gzip) in file order. Memory: the ids read so
 * far, to refuse a duplicate (see {@link UniqueIds}).
 */
export function readIdText(path: string): AsyncGenerator<IdText, void, undefined> {
  const ids = new UniqueIds(path, "id");
  return mapLines(path, (line, lineNo) => parseIdText(line, lineNo, path, ids));
}

function parseIdText(line: string, lineNo: number, path: string, ids: UniqueIds): IdText | undefined {
  if (isBlank(line)) return undefined;
  const tab = line.indexOf("\t");
  if (tab < 0) throw new InputError(path, lineNo, undefined, `expected "id<TAB>text", found no tab: ${quote(line)}`);
  const id = checkId(line.slice(0, tab).trim(), "id", path, lineNo);
  ids.add(id, lineNo);
  return { id, text: line.slice(tab + 1) };
}

/**
 * Writes records as `id<TAB>text`, atomically (gzip on `.gz`). Ids must be non-empty without
 * whitespace (what readers accept); texts must not contain newlines.
 */
export async function writeIdText(path: string, records: Iterable<IdText> | AsyncIterable<IdText>): Promise<void> {
  await writeLinesAtomic(path, idTextLines(records));
}

async function* idTextLines(records: Iterable<IdText> | AsyncIterable<IdText>): AsyncGenerator<string> {
  for await (const { id, text } of records) {
    checkToken(id, "id");
    if (/[\r\n]/.test(text)) throw new Error(`writeIdText: text of ${quote(id)} contains a newline`);
    yield `${id}\t${text}`;
  }
}
