/** Reading JSON files with errors that name the file and the line. */
import { readFile } from "node:fs/promises";
import { InputError } from "../formats/input-error.js";

/** 1-based line of character offset `pos` in `text`. */
function lineOf(text: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Parses JSON `text` read from `file`; syntax errors become {@link InputError}s with the line. */
export function parseJsonFile(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const pos = /position (\d+)/.exec(message);
    throw new InputError(file, pos ? lineOf(text, Number(pos[1])) : undefined, undefined, `invalid JSON: ${message}`);
  }
}

/** Reads a JSON object from `file` (an {@link InputError} if it is not valid JSON or not an object). */
export async function readJsonObject(file: string): Promise<Record<string, unknown>> {
  const value = parseJsonFile(await readFile(file, "utf8"), file);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new InputError(file, 1, undefined, "expected a JSON object");
  }
  return value as Record<string, unknown>;
}
