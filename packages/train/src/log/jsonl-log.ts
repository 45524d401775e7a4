/**
 * The run log: one JSON object per line (JSONL). Each record is appended with a single
 * `write` to a file opened in append mode, so a crash can at most leave one partial last
 * line; opening the log rewrites it atomically (temp file, then rename): empty for a fresh
 * run, or, on resume, only the complete lines up to the resumed step, so the log of a resumed
 * run reads like the log of an uninterrupted one.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { writeFileAtomicSync } from "@i3/core";

/** Appends JSON records to a JSONL file. */
export class JsonlLog {
  readonly path: string;

  /**
   * Opens `path`: a fresh log, or with `keepThroughStep` the existing lines whose `step` is
   * at most that step (lines that do not parse are dropped).
   */
  constructor(path: string, opts: { keepThroughStep?: number } = {}) {
    this.path = path;
    mkdirSync(dirname(path), { recursive: true });
    let kept = "";
    if (opts.keepThroughStep !== undefined && existsSync(path)) {
      const keep = opts.keepThroughStep;
      kept = readFileSync(path, "utf8")
        .split("\n")
        .filter((line) => {
          try {
            const rec = JSON.parse(line) as { step?: unknown };
            return typeof rec.step === "number" && rec.step <= keep;
          } catch {
            return false;
          }
        })
        .map((line) => `${line}\n`)
        .join("");
    }
    writeFileAtomicSync(path, kept);
  }

  /** Appends one record as a line. */
  write(record: Record<string, unknown>): void {
    appendFileSync(this.path, `${JSON.stringify(record)}\n`);
  }
}

/** Reads a JSONL file into records (blank lines skipped; a malformed line throws with its number). */
export function readJsonl(path: string): Record<string, unknown>[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => line.trim() !== "")
    .map(({ line, i }) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch (err) {
        throw new Error(`${path}:${i + 1}: not JSON (${(err as Error).message})`);
      }
    });
}
