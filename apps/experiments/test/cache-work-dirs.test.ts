/**
 * Stage work folders (`StageCache.commit`'s `workDir`, `StageContext.workDir`): not created until
 * the stage writes into it; kept when the stage throws and handed back to the next execution of
 * the same hash; taken over (renamed to this process's pid) from a process that is gone, never
 * from one that is alive (that stage then works in a folder of its own); removed when the stage
 * commits; a gone process's folder is removed once its hash is committed, kept while it is not.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hostTag, StageCache, type StageRecord } from "../src/runner/cache.js";
import { tempDir } from "./runner-fixtures.js";

const HASH = "ab".repeat(32);
const OTHER = "cd".repeat(32);

/** A pid no process has any more: a child that has exited (reuse within the test is not a concern). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", ""]);
  expect(child.status).toBe(0);
  return child.pid;
}

/** A process that stays alive until the end of the file. */
const sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 600000)"], { stdio: "ignore" });
afterAll(() => {
  sleeper.kill("SIGKILL");
});

function record(hash: string): StageRecord<{ ok: true }> {
  return { stage: "train", id: "x/train", hash, key: {}, upstream: {}, output: { ok: true }, seconds: 0 };
}

async function workDirs(cache: StageCache): Promise<string[]> {
  return (await readdir(join(cache.dir, "train"))).filter((n) => n.endsWith(".work")).sort();
}

describe("stage work folders", () => {
  it("are kept when the stage throws, handed back to the next attempt, removed on commit", async () => {
    const cache = new StageCache(await tempDir());
    const seen: string[] = [];
    await expect(
      cache.commit("train", HASH, async (_temp, workDir) => {
        seen.push(workDir);
        expect(existsSync(workDir)).toBe(false); // created on demand
        await mkdir(workDir);
        await writeFile(join(workDir, "state.txt"), "step 3");
        throw new Error("crash");
      }),
    ).rejects.toThrow("crash");
    expect(await workDirs(cache)).toEqual([`.${HASH}.${process.pid}@${hostTag()}.work`]);
    await cache.commit("train", HASH, async (_temp, workDir) => {
      seen.push(workDir);
      expect(await readFile(join(workDir, "state.txt"), "utf8")).toBe("step 3");
      return record(HASH);
    });
    expect(seen[1]).toBe(seen[0]);
    expect(await workDirs(cache)).toEqual([]);
  });

  it("are taken over from a gone process, never from a live one", async () => {
    const cache = new StageCache(await tempDir());
    const parent = join(cache.dir, "train");
    const dead = join(parent, `.${HASH}.${deadPid()}.work`);
    const live = join(parent, `.${HASH}.${sleeper.pid}.work`);
    for (const dir of [dead, live]) {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, "owner.txt"), dir === dead ? "dead" : "live");
    }
    await cache.commit("train", HASH, async (_temp, workDir) => {
      expect(workDir).toBe(join(parent, `.${HASH}.${process.pid}@${hostTag()}.work`));
      expect(await readFile(join(workDir, "owner.txt"), "utf8")).toBe("dead");
      return record(HASH);
    });
    // The live process's folder is untouched; the taken-over one went with the commit.
    expect(await workDirs(cache)).toEqual([`.${HASH}.${sleeper.pid}.work`]);
    expect(await readFile(join(live, "owner.txt"), "utf8")).toBe("live");

    // With only a live owner's folder, a stage gets a fresh folder of its own.
    await cache.commit("train", OTHER, async (_temp, workDir) => {
      expect(workDir).toBe(join(parent, `.${OTHER}.${process.pid}@${hostTag()}.work`));
      expect(existsSync(workDir)).toBe(false);
      return record(OTHER);
    });
  });

  it("of a gone process are removed once their hash is committed, kept while it is not", async () => {
    const cache = new StageCache(await tempDir());
    const parent = join(cache.dir, "train");
    await cache.commit("train", HASH, async () => record(HASH));
    const committedHash = `.${HASH}.${deadPid()}.work`;
    const pending = `.${OTHER}.${deadPid()}.work`;
    for (const name of [committedHash, pending]) await mkdir(join(parent, name));
    await cache.commit("train", "ef".repeat(32), async () => record("ef".repeat(32)));
    expect(await workDirs(cache)).toEqual([pending]);
  });

  it("of another host (a shared cache) are never removed or taken over, whatever its pid means here", async () => {
    const cache = new StageCache(await tempDir());
    const parent = join(cache.dir, "train");
    await mkdir(parent, { recursive: true });
    const other = hostTag() === "other-host" ? "another-host" : "other-host";
    const pid = deadPid(); // gone on this host, which says nothing about the other one
    const foreignWork = `.${HASH}.${pid}@${other}.work`;
    const foreignTemp = `.${HASH}.${pid}@${other}.abcd1234.tmp`;
    const localWork = `.${OTHER}.${pid}@${hostTag()}.work`;
    for (const name of [foreignWork, foreignTemp, localWork]) await mkdir(join(parent, name));
    await cache.commit("train", HASH, async (_temp, workDir) => {
      expect(workDir).toBe(join(parent, `.${HASH}.${process.pid}@${hostTag()}.work`)); // not the foreign one
      return record(HASH);
    });
    await cache.commit("train", OTHER, async (_temp, workDir) => {
      expect(workDir).toBe(join(parent, `.${OTHER}.${process.pid}@${hostTag()}.work`)); // this host's gone process: taken over
      expect(existsSync(join(parent, localWork))).toBe(false);
      return record(OTHER);
    });
    expect((await readdir(parent)).filter((n) => n.startsWith(".")).sort()).toEqual([foreignTemp, foreignWork].sort());
  });
});
