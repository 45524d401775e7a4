/**
 * BERT `vocab.txt`: one token per line, the token id is the 0-based line number
 * (Google BERT `load_vocab`; HF tokenizers `WordPiece::read_file`).
 */
import { readFile } from "node:fs/promises";
import { InputError, quote } from "../formats/input-error.js";

/**
 * Parses the text of a `vocab.txt`. Trailing `\r` and other trailing whitespace are trimmed as
 * HF tokenizers does; one final empty line is allowed. Empty and duplicate tokens are errors
 * (they would silently shift or shadow ids), reported with `file` and the 1-based line.
 */
export function parseVocabTxt(text: string, file: string): string[] {
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const seen = new Map<string, number>();
  return lines.map((line, i) => {
    const token = line.trimEnd();
    if (token === "") throw new InputError(file, i + 1, "token", "empty token (ids are line numbers; remove the line)");
    const first = seen.get(token);
    if (first !== undefined) throw new InputError(file, i + 1, "token", `duplicate token ${quote(token)} (first on line ${first})`);
    seen.set(token, i + 1);
    return token;
  });
}

/** Reads and parses a `vocab.txt` file (see {@link parseVocabTxt}). */
export async function readVocabTxt(file: string): Promise<string[]> {
  return parseVocabTxt(await readFile(file, "utf8"), file);
}

/** Formats a vocabulary (id = index) as the text of a `vocab.txt`. */
export function formatVocabTxt(vocab: readonly string[]): string {
  for (const [i, token] of vocab.entries()) {
    if (token === "" || /[\r\n]/.test(token) || token !== token.trimEnd()) {
      throw new Error(`formatVocabTxt: token ${i} (${quote(token)}) cannot be written as a vocab.txt line`);
    }
  }
  return vocab.join("\n") + "\n";
}
