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
