/**
 * The stage cache: `<cacheDir>/<stage>/<hash>/` holds a committed stage output with its
 * `manifest.json`. A stage runs in `<cacheDir>/<stage>/.<hash>.<pid>.<random>.tmp/` and is committed
 * by one rename, so a crash mid-stage leaves only a temp folder (ignored, and removed later when
 * its process is gone) and the stage is redone. Concurrent runs in one process share one execution
 * per hash; across processes the first rename wins and the other copy is discarded.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** The manifest file of a committed stage folder. */
export const MANIFEST = "manifest.json";

/** What `manifest.json` holds. */
export interface StageManifest<O = unknown> {
  stage: string;
  id: string;
  hash: string;
  key: unknown;
  upstream: Record<string, string>;
  output: O;
  seconds: number;
  createdAt: string;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A folder of cached stage outputs. */
export class StageCache {
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(readonly dir: string) {}

  /** The committed folder of `stage` with `hash`. */
  folder(stage: string, hash: string): string {
    return join(this.dir, stage, hash);
  }

  /** The committed manifest, or undefined when absent or unreadable (then the stage reruns). */
  async read<O>(stage: string, hash: string): Promise<StageManifest<O> | undefined> {
    try {
      const manifest = JSON.parse(await readFile(join(this.folder(stage, hash), MANIFEST), "utf8")) as StageManifest<O>;
      return manifest.hash === hash ? manifest : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Runs `produce(tempDir)` once per (stage, hash) in this process, writes the manifest and
   * commits the folder atomically; returns the committed manifest.
   */
  async commit<O>(
    stage: string,
    hash: string,
    produce: (tempDir: string) => Promise<Omit<StageManifest<O>, "createdAt">>,
  ): Promise<StageManifest<O>> {
    const key = `${stage}/${hash}`;
    const running = this.inFlight.get(key);
    if (running) return (await running) as StageManifest<O>;
    const work = this.commitOnce(stage, hash, produce);
    this.inFlight.set(key, work);
    try {
      return await work;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async commitOnce<O>(
    stage: string,
    hash: string,
    produce: (tempDir: string) => Promise<Omit<StageManifest<O>, "createdAt">>,
  ): Promise<StageManifest<O>> {
    const parent = join(this.dir, stage);
    await mkdir(parent, { recursive: true });
    await this.removeStaleTemps(parent);
    const temp = join(parent, `.${hash}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    await mkdir(temp);
    try {
      const manifest: StageManifest<O> = { ...(await produce(temp)), createdAt: new Date().toISOString() };
      await writeFile(join(temp, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
      try {
        await rename(temp, this.folder(stage, hash));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
        await rm(temp, { recursive: true, force: true }); // another process committed it first
        const other = await this.read<O>(stage, hash);
        if (!other) throw new Error(`stage cache: ${this.folder(stage, hash)} exists but has no readable ${MANIFEST}; delete it`);
        return other;
      }
      return manifest;
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
  }

  /** Removes temp folders left by processes that no longer exist (crashed runs). */
  private async removeStaleTemps(parent: string): Promise<void> {
    for (const name of await readdir(parent)) {
      const match = /^\..+\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name);
      if (!match) continue;
      const pid = Number(match[1]);
      if (pid === process.pid || processAlive(pid)) continue;
      await rm(join(parent, name), { recursive: true, force: true });
    }
  }

  /** True when the cache folder exists. */
  async exists(): Promise<boolean> {
    return stat(this.dir).then(
      () => true,
      () => false,
    );
  }
}
