/**
 * Vitest global setup of every project: the test processes, and every process a test spawns,
 * write their temporary files under one fresh folder (`TMPDIR`, which `os.tmpdir()` reads) that
 * is removed when the run ends, so a run leaves nothing in the system's temporary folder however
 * its tests end. With several projects in one run (`npm test`), the first project's folder
 * serves them all.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Set while a run's folder is in use: the marker that later projects of the same run reuse it. */
const MARKER = "I3_TESTS_TMPDIR";

/** Points `TMPDIR` at a fresh folder for the run (unless one is in use); the returned teardown removes it. */
export default function setup(): () => void {
  if (process.env[MARKER] !== undefined) return () => {};
  const previous = process.env["TMPDIR"];
  const root = mkdtempSync(join(tmpdir(), "i3-tests-"));
  process.env["TMPDIR"] = root;
  process.env[MARKER] = root;
  return () => {
    if (previous === undefined) delete process.env["TMPDIR"];
    else process.env["TMPDIR"] = previous;
    delete process.env[MARKER];
    rmSync(root, { recursive: true, force: true });
  };
}
