/**
 * The test runs' temporary folder (vitest.global-setup.ts at the repository root): tests and the
 * processes they spawn see `os.tmpdir()` inside one `i3-tests-*` folder, which the run removes.
 */
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { basename } from "node:path";
import { describe, expect, it } from "vitest";

describe("test temporary folder", () => {
  it("is one i3-tests-* folder, in this process and in a spawned one", () => {
    expect(basename(tmpdir())).toMatch(/^i3-tests-/);
    const child = execFileSync(process.execPath, ["-e", "process.stdout.write(require('node:os').tmpdir())"], { encoding: "utf8" });
    expect(child).toBe(tmpdir());
  });
});
