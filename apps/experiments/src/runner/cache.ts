/**
 * The stage cache: `<cacheDir>/<stage>/<hash>/` holds a committed stage output with its
 * `manifest.json`. A stage runs in `<cacheDir>/<stage>/.<hash>.<pid>.<random>.tmp/` and is committed
 * by one rename, so a crash mid-stage leaves only a temp folder (ignored, and removed later when
 * its process is gone) and the stage is redone. Concurrent runs in one process share one execution
 * per hash; across processes the first rename wins and the other copy is discarded.
 *
 * Integrity: the manifest records the size and sha256 of every file of the entry. A reused entry
 * is checked first: every size always; the sha256 of every file with `verify`, else only of files
 * modified after the manifest was written. An entry that fails (or whose manifest is missing or
 * unreadable) is reported through `warn`, removed and recomputed, never used. An entry written
 * before these records is used unverified with a warning, or recomputed under `verify`.
 *
 * Work folders: a stage also gets `<cacheDir>/<stage>/.<hash>.<pid>.work/` for state worth keeping
 * across a crash (training checkpoints), not created until the stage writes into it. The pid in
 * the name is its owner: the next execution of the same hash takes over a folder whose process is
 * gone by renaming it to its own pid (one atomic `rename`, so of two takers one wins and the other
 * starts a folder of its own); a folder whose process is alive is never touched, so two processes
 * running one stage at once each work in their own folder and the first commit wins as above. A
 * stage that throws keeps its folder (for the next run, or a retry in this process); a committed
 * stage's folder is removed, and so are folders of gone processes whose hash is committed.
 *
 * Several machines on one cache (a shared folder): temp and work folder names carry the owner as
 * `<pid>@<host>` ({@link hostTag}), because a pid means nothing on another machine. A folder of
 * another host is never removed or taken over (its process may be alive there); a name without
 * `@<host>` (written before this rule) counts as this host's. Commits stay first-rename-wins: a
 * committed folder is only ever created by renaming a complete one into place, `rename` onto a
 * non-empty folder fails on every POSIX file system (NFS included) instead of replacing it, and the
 * loser discards its copy and uses the winner's, so two workers racing on a stage leave one entry
 * (test/cache-race.test.ts). The cost is the duplicated work of the loser.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import { announceCacheWrite, processAlive, sha256FileUncached } from "@i3/core";

/** A stage's work folder: `.<hash>.<pid>[@<host>].work` (see the module comment). */
const WORK_DIR = /^\.([0-9a-f]+)\.(\d+)(?:@([A-Za-z0-9-]+))?\.work$/;
/** A stage's temp folder: `.<hash>.<pid>[@<host>].<random>.tmp`. */
const TEMP_DIR = /^\..+\.(\d+)(?:@([A-Za-z0-9-]+))?\.[0-9a-f]+\.tmp$/;

/**
 * This machine's tag in the names of temp and work folders: `$I3_HOST_ID` when set (machines whose
 * hostnames clash, e.g. containers), else the hostname; characters other than letters, digits
 * and `-` become `-`.
 */
export function hostTag(): string {
  const raw = process.env["I3_HOST_ID"] || hostname() || "localhost";
  return raw.replace(/[^A-Za-z0-9-]/g, "-");
}

/** The owner part of this process's temp and work folder names: `<pid>@<host>`. */
function ownerTag(): string {
  return `${process.pid}@${hostTag()}`;
}

/** True when the folder's owner is known to be gone: a process of this host (or an untagged name) that no longer exists. */
function ownerGone(pid: number, host: string | undefined): boolean {
  if (host !== undefined && host !== hostTag()) return false; // another machine's: cannot tell, never touched
  return pid !== process.pid && !processAlive(pid);
}

/** The manifest file of a committed stage folder. */
export const MANIFEST = "manifest.json";

/** A file of a committed entry as recorded at commit. */
export interface CachedFile {
  size: number;
  /** sha256 of the bytes, hex. */
  sha256: string;
}

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
  /**
   * Every file of the entry except the manifest, by path relative to the entry folder
   * (`/`-separated, sorted). Absent in entries committed before integrity records existed.
   */
  files?: Record<string, CachedFile>;
}

/** What a stage's producer returns; the cache adds `files` and `createdAt`. */
export type StageRecord<O = unknown> = Omit<StageManifest<O>, "createdAt" | "files">;

/** Why a committed entry was not used as is. */
export interface CacheWarning {
  /** `corrupt`: the entry does not match its manifest; `unverifiable`: it has no file records. */
  kind: "corrupt" | "unverifiable";
  /** `recompute`: the entry was removed and the stage runs again; `reuse`: used unverified. */
  action: "recompute" | "reuse";
  /** The committed folder. */
  folder: string;
  /** What is wrong, e.g. `run.trec has 14 bytes, recorded 5120`. */
  problem: string;
  /** One readable line for the run log. */
  message: string;
}

/** Options of {@link StageCache.read}. */
export interface CacheReadOptions {
  /** Hash every file (default: hash only files modified after the manifest; sizes always). */
  verify?: boolean;
  /** Told when an entry is recomputed or reused unverified. */
  warn?(warning: CacheWarning): void;
  /** Only look: an entry that fails its check is reported absent but left in place (a dry run). */
  readOnly?: boolean;
}

/** A folder of cached stage outputs. */
export class StageCache {
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(readonly dir: string) {}

  /** The committed folder of `stage` with `hash`. */
  folder(stage: string, hash: string): string {
    return join(this.dir, stage, hash);
  }

  /**
   * The committed manifest when the entry exists and passes its integrity check (see the module
   * comment); undefined when there is none, or when it failed and was removed (then the stage
   * reruns; `options.warn` is told why).
   */
  async read<O>(stage: string, hash: string, options: CacheReadOptions = {}): Promise<StageManifest<O> | undefined> {
    const folder = this.folder(stage, hash);
    const manifestPath = join(folder, MANIFEST);
    const text = await readFile(manifestPath, "utf8").catch(() => undefined);
    if (text === undefined && !(await isDirectory(folder))) return undefined; // never committed
    const reject = async (kind: CacheWarning["kind"], problem: string): Promise<undefined> => {
      if (!options.readOnly) await this.discard(folder, text);
      const what = kind === "corrupt" ? "is corrupt" : "has no file records (written by an older version)";
      options.warn?.({ kind, action: "recompute", folder, problem, message: `cached ${stage}/${hash.slice(0, 12)} ${what}: ${problem}; recomputing it` });
      return undefined;
    };
    if (text === undefined) return reject("corrupt", `${MANIFEST} is missing or unreadable`);
    let manifest: StageManifest<O>;
    try {
      manifest = JSON.parse(text) as StageManifest<O>;
    } catch {
      return reject("corrupt", `${MANIFEST} is not valid JSON`);
    }
    if (manifest.hash !== hash) return reject("corrupt", `${MANIFEST} names hash ${String(manifest.hash)}`);
    if (manifest.files === undefined) {
      const problem = "its files cannot be checked";
      if (options.verify) return reject("unverifiable", problem);
      options.warn?.({
        kind: "unverifiable",
        action: "reuse",
        folder,
        problem,
        message: `cached ${stage}/${hash.slice(0, 12)} has no file records (written by an older version): used unverified; --verify recomputes it`,
      });
      return manifest;
    }
    const since = (await stat(manifestPath)).mtimeMs;
    const problem = await checkFiles(folder, manifest.files, options.verify ? undefined : since);
    return problem === undefined ? manifest : reject("corrupt", problem);
  }

  /**
   * Removes a committed entry judged bad, unless its manifest changed since it was read (another
   * run replaced it meanwhile): renamed to a temp name first, so no reader sees it half deleted.
   */
  private async discard(folder: string, judgedManifest: string | undefined): Promise<void> {
    const now = await readFile(join(folder, MANIFEST), "utf8").catch(() => undefined);
    if (now !== judgedManifest) return;
    const trash = join(dirname(folder), `.${basename(folder)}.${ownerTag()}.${randomBytes(4).toString("hex")}.tmp`);
    try {
      await rename(folder, trash);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return; // another run removed it first
      throw error;
    }
    await rm(trash, { recursive: true, force: true });
  }

  /**
   * Runs `produce(tempDir, workDir)` once per (stage, hash) in this process, writes the manifest
   * and commits the folder atomically; returns the committed manifest. `workDir` is the stage's
   * work folder (see the module comment): taken over from a crashed run of the same hash when
   * there is one, else a path not yet created.
   */
  async commit<O>(stage: string, hash: string, produce: (tempDir: string, workDir: string) => Promise<StageRecord<O>>): Promise<StageManifest<O>> {
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

  private async commitOnce<O>(stage: string, hash: string, produce: (tempDir: string, workDir: string) => Promise<StageRecord<O>>): Promise<StageManifest<O>> {
    const parent = join(this.dir, stage);
    announceCacheWrite("the stage cache", this.dir, "set --cache-dir or --runs-dir to change");
    await mkdir(parent, { recursive: true });
    await this.removeStaleTemps(parent);
    const temp = join(parent, `.${hash}.${ownerTag()}.${randomBytes(4).toString("hex")}.tmp`);
    await mkdir(temp);
    const workDir = await this.claimWorkDir(parent, hash);
    const manifest = await this.produceAndCommit(stage, hash, temp, () => produce(temp, workDir));
    await rm(workDir, { recursive: true, force: true }); // committed (by this run or another): no longer needed
    return manifest;
  }

  private async produceAndCommit<O>(stage: string, hash: string, temp: string, produce: () => Promise<StageRecord<O>>): Promise<StageManifest<O>> {
    try {
      const record = await produce();
      const manifest: StageManifest<O> = { ...record, createdAt: new Date().toISOString(), files: await recordFiles(temp) };
      await writeFile(join(temp, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
      try {
        await rename(temp, this.folder(stage, hash));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
        await rm(temp, { recursive: true, force: true }); // another process committed it first
        const other = await this.read<O>(stage, hash);
        if (!other) throw new Error(`stage cache: ${this.folder(stage, hash)} was committed by another run but fails its check; run again`);
        return other;
      }
      return manifest;
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Removes temp folders left by processes of this host that no longer exist (crashed runs), and
   * their work folders once the hash is committed.
   */
  private async removeStaleTemps(parent: string): Promise<void> {
    for (const name of await readdir(parent)) {
      const temp = TEMP_DIR.exec(name);
      const work = WORK_DIR.exec(name);
      const owner = temp ? { pid: Number(temp[1]), host: temp[2] } : work ? { pid: Number(work[2]), host: work[3] } : undefined;
      if (owner === undefined || !ownerGone(owner.pid, owner.host)) continue;
      // A crashed run's work folder stays until its hash is committed: the next run continues from it.
      if (work && !(await isDirectory(join(parent, work[1]!)))) continue;
      await rm(join(parent, name), { recursive: true, force: true });
    }
  }

  /**
   * The work folder of (stage folder `parent`, `hash`) for this process: its own when a failed
   * attempt in this process left one; else one left by a process of this host that is gone,
   * renamed to this process's owner tag; else a fresh path (not created).
   */
  private async claimWorkDir(parent: string, hash: string): Promise<string> {
    const own = join(parent, `.${hash}.${ownerTag()}.work`);
    if (await isDirectory(own)) return own;
    for (const name of (await readdir(parent)).sort()) {
      const match = WORK_DIR.exec(name);
      if (!match || match[1] !== hash || !ownerGone(Number(match[2]), match[3])) continue;
      try {
        await rename(join(parent, name), own);
        return own;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error; // another run took it first
      }
    }
    return own;
  }

  /** True when the cache folder exists. */
  async exists(): Promise<boolean> {
    return stat(this.dir).then(
      () => true,
      () => false,
    );
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** Size and sha256 of every file under `dir` except the top-level manifest, by sorted `/`-separated relative path. */
async function recordFiles(dir: string): Promise<Record<string, CachedFile>> {
  const paths: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(join(dir, rel), { withFileTypes: true })) {
      const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (child === MANIFEST) continue;
      if (entry.isDirectory()) await walk(child);
      else if ((await stat(join(dir, child))).isFile()) paths.push(child);
      else throw new Error(`stage cache: ${join(dir, child)} is neither a file nor a folder`);
    }
  };
  await walk("");
  const files: Record<string, CachedFile> = {};
  for (const rel of paths.sort()) {
    const path = join(dir, rel);
    files[rel] = { size: (await stat(path)).size, sha256: await sha256FileUncached(path) };
  }
  return files;
}

/**
 * The first way the files of a committed entry differ from their records, or undefined: every
 * file must exist with its recorded size; its sha256 is compared when it was modified after
 * `hashIfNewerThan` (ms since the epoch), or always when that is undefined.
 */
async function checkFiles(dir: string, files: Record<string, CachedFile>, hashIfNewerThan: number | undefined): Promise<string | undefined> {
  const toHash: [string, CachedFile][] = [];
  for (const [rel, recorded] of Object.entries(files)) {
    const info = await stat(join(dir, rel)).catch(() => undefined);
    if (info === undefined) return `${rel} is missing`;
    if (!info.isFile()) return `${rel} is not a file`;
    if (info.size !== recorded.size) return `${rel} has ${info.size} bytes, recorded ${recorded.size}`;
    if (hashIfNewerThan === undefined || info.mtimeMs > hashIfNewerThan) toHash.push([rel, recorded]);
  }
  for (const [rel, recorded] of toHash) {
    const actual = await sha256FileUncached(join(dir, rel));
    if (actual !== recorded.sha256) return `${rel} has sha256 ${actual.slice(0, 12)}..., recorded ${recorded.sha256.slice(0, 12)}...`;
  }
  return undefined;
}
