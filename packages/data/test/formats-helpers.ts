/** Shared helpers of the format tests: temp files, draining async iterables, expected InputErrors. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect } from "vitest";
import { InputError } from "@i3/data";

/** Hand-written fixtures of the format tests. */
export const fixtures = join(import.meta.dirname, "fixtures", "formats");

/** A temp folder (removed after the file's tests) and a writer of numbered files in it. */
export function tempFiles(prefix: string, defaultName: (n: number) => string): (content: string | Buffer, name?: string) => string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let counter = 0;
  return (content, name = defaultName(counter++)) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
}

/** All items of an async iterable. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** The InputError a promise rejects with (fails the test when it resolves or throws something else). */
export async function failure(promise: Promise<unknown>): Promise<InputError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

/**
 * A generated TREC run's lines: `queries` x `docs` lines, scores in many spellings (every third
 * one from a list: signs, exponents, `3.`, `.25`, underflow...), tabs and spaces as separators,
 * doc ids `doc<(d * 7919) % idRange>`.
 */
export function generatedTrecRunLines(queries: number, docs: number, idRange: number): string[] {
  const spellings = ["1", "-0", "0.1", "1e-7", "-2.5E+3", "3.", ".25", "123456789.123456789", "1e300", "+4", "+.5e1", "1e-400", "00012"];
  const lines: string[] = [];
  for (let q = 0; q < queries; q++) {
    for (let d = 0; d < docs; d++) {
      const score = d % 3 === 0 ? spellings[(q + d) % spellings.length]! : (Math.sin(q * 7 + d) * 10 ** ((d % 9) - 4)).toString();
      lines.push(`${q}${d % 2 ? "\t" : " "}Q0 doc${(d * 7919) % idRange} ${d + 1} ${score} tag`);
    }
  }
  return lines;
}
