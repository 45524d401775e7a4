/**
 * Two processes racing on the same stages of one cache folder (as two workers on a shared folder
 * do): both execute every stage (each waits in its stage until the other has started the same
 * one, so the race is certain, not likely), both commit, and for every stage the cache ends with
 * exactly one complete entry, both processes use that same entry (the first rename's), and no
 * temp or work folder is left.
 */
import { spawn } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { StageCache } from "../src/runner/cache.js";
import { tempDir } from "./runner-fixtures.js";

const cacheModule = fileURLToPath(new URL("../src/runner/cache.ts", import.meta.url));
const HASHES = Array.from({ length: 8 }, (_, i) => String(i).repeat(64));

function runChild(script: string, name: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--conditions=@i3/source", "--import", "tsx", script, name], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("two processes on one stage", () => {
  it("leave one committed entry per stage, used by both, and nothing else", async () => {
    const root = await tempDir("i3-race-");
    const cacheDir = join(root, "cache");
    const script = join(root, "racer.mts");
    await writeFile(
      script,
      `import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { StageCache } from ${JSON.stringify(cacheModule)};
const me = process.argv[2];
const other = me === "a" ? "b" : "a";
const cache = new StageCache(${JSON.stringify(cacheDir)});
const seen = {};
for (const hash of ${JSON.stringify(HASHES)}) {
  const manifest = await cache.commit("race", hash, async (temp) => {
    await writeFile(join(${JSON.stringify(root)}, me + "-" + hash), "");
    const deadline = Date.now() + 60000;
    while (!existsSync(join(${JSON.stringify(root)}, other + "-" + hash))) {
      if (Date.now() > deadline) throw new Error("the other racer never started " + hash);
      await new Promise((r) => setTimeout(r, 5));
    }
    // A payload that differs by writer, large enough that a torn mix would show.
    await writeFile(join(temp, "out.txt"), (me + "\\n").repeat(200000));
    return { stage: "race", id: "race", hash, key: {}, upstream: {}, output: { writer: me }, seconds: 0 };
  });
  seen[hash] = manifest.output.writer;
}
process.stdout.write(JSON.stringify(seen));
`,
    );
    const [a, b] = await Promise.all([runChild(script, "a"), runChild(script, "b")]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const seenA = JSON.parse(a.stdout) as Record<string, string>;
    const seenB = JSON.parse(b.stdout) as Record<string, string>;
    // Both executed every stage (each left its start marker)...
    const markers = (await readdir(root)).filter((n) => /^[ab]-/.test(n));
    expect(markers).toHaveLength(2 * HASHES.length);
    const cache = new StageCache(cacheDir);
    for (const hash of HASHES) {
      // ...and both use the one committed entry, which is whole and one writer's.
      expect(seenA[hash]).toBe(seenB[hash]);
      const manifest = await cache.read<{ writer: string }>("race", hash, { verify: true, warn: (w) => expect.fail(w.message) });
      expect(manifest?.output.writer).toBe(seenA[hash]);
      expect(await readFile(join(cache.folder("race", hash), "out.txt"), "utf8")).toBe(`${seenA[hash]}\n`.repeat(200000));
    }
    expect((await readdir(join(cacheDir, "race"))).sort()).toEqual([...HASHES].sort());
  }, 120_000);
});
