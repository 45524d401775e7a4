/**
 * Running a README command without littering the repository: the command runs from the
 * repository root as printed, with only its output locations and dataset paths rewritten:
 * - a path `runs/...` becomes `<runsDir>/...` (e.g. `i3 bm25 --out runs/x.trec`, `i3 eval ... runs/x.trec`);
 * - `npx i3 run|sweep|dual-encoder ...` gets `--runs-dir <runsDir>`, and `npm start` becomes
 *   `npm start -- --runs-dir <runsDir>`, so run folders and the stage cache go there;
 * - a path `datasets/<name>/...` (`datasets/beir/scifact/qrels/test.tsv`, `datasets/default/...`)
 *   points into the folder the datasets registry opens for `<name>`, which is that very path
 *   unless the collection is found through `I3_DATASETS_PATH` or `I3_DATASETS_DIR` (the README
 *   tells a reader to do the same by hand).
 * Datasets the commands build or index (`datasets/default`, `datasets/indexes/`) stay in the
 * datasets folder, their usual cache.
 */
import { spawn } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

/** Where a rewritten command writes and reads. */
export interface RewriteContext {
  /** The temporary runs folder. */
  readonly runsDir: string;
  /** The writable datasets folder (`defaultDatasetsDir()`), where `default` is built. */
  readonly datasetsDir: string;
  /** The folder the registry opens for `beir/<name>` or `msmarco-passage`, or undefined (`datasetFolder` of @i3/data). */
  readonly datasetFolder: (name: string) => string | undefined;
}

/** Quotes a path for a POSIX shell when it holds anything but plain path characters. */
export function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/** The folder and remaining path of a `datasets/...` path, or undefined when it names no known collection. */
function datasetPath(token: string, context: RewriteContext): string | undefined {
  const parts = token.slice("datasets/".length).split("/");
  if (parts[0] === "default") return join(context.datasetsDir, ...parts);
  if (parts[0] === "msmarco-passage") {
    const folder = context.datasetFolder("msmarco-passage");
    return folder === undefined ? undefined : join(folder, ...parts.slice(1));
  }
  if (parts[0] === "beir") {
    // BEIR names may have two segments (beir/cqadupstack/android): the longest one the registry finds wins.
    for (let k = parts.length - 1; k >= 2; k--) {
      const folder = context.datasetFolder(parts.slice(0, k).join("/"));
      if (folder !== undefined) return join(folder, ...parts.slice(k));
    }
  }
  return undefined;
}

const RUNNER_COMMAND = /^npx i3 (run|sweep|dual-encoder)\b/;

/** Rewrites one README command as the module comment says; everything else is left as printed. */
export function rewriteCommand(command: string, context: RewriteContext): string {
  return command
    .split("&&")
    .map((segment) => {
      let tokens = segment.trim().split(/\s+/).map((token) => {
        if (token.startsWith("runs/")) return shellQuote(join(context.runsDir, token.slice("runs/".length)));
        if (token.startsWith("datasets/")) {
          const path = datasetPath(token, context);
          return path === undefined ? token : shellQuote(path);
        }
        return token;
      });
      const text = tokens.join(" ");
      const runsFlag = ["--runs-dir", shellQuote(context.runsDir)];
      const hasRunsDir = tokens.some((t) => t === "--runs-dir" || t.startsWith("--runs-dir="));
      if (RUNNER_COMMAND.test(text) && !hasRunsDir) tokens = [...tokens, ...runsFlag];
      else if (/^npm (start|run start)\b/.test(text) && !hasRunsDir) {
        tokens = tokens.includes("--") ? [...tokens, ...runsFlag] : [...tokens, "--", ...runsFlag];
      }
      return tokens.join(" ");
    })
    .join(" && ");
}

/** What one command produced. */
export interface CommandOutput {
  /** The shell's exit code (1 when killed by a signal). */
  readonly exitCode: number;
  readonly stdout: string;
  /** The last lines of stderr (for the error message of a failed command). */
  readonly stderrTail: string;
  /** Run folders (`<runsDir>/<experiment>/<run-id>` with a metrics.json) that appeared while it ran. */
  readonly newRunDirs: readonly string[];
}

/** Every `<runsDir>/<experiment>/<run-id>` holding a metrics.json (the stage cache `.cache` excluded). */
export async function listRunDirs(runsDir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = async (dir: string): Promise<string[]> => readdir(dir).catch(() => [] as string[]);
  for (const experiment of await entries(runsDir)) {
    if (experiment.startsWith(".")) continue;
    for (const run of await entries(join(runsDir, experiment))) {
      const dir = join(runsDir, experiment, run);
      if (await stat(join(dir, "metrics.json")).then((s) => s.isFile(), () => false)) out.push(dir);
    }
  }
  return out.sort();
}

const STDERR_TAIL = 4000;

/**
 * Runs a (rewritten) command through the shell from `cwd`; stdout is captured, stderr too (and
 * passed through when `echoStderr`). Resolves with the exit code, never rejects on failure.
 */
export async function runShellCommand(command: string, options: { cwd: string; runsDir: string; echoStderr?: boolean }): Promise<CommandOutput> {
  const before = new Set(await listRunDirs(options.runsDir));
  const { exitCode, stdout, stderr } = await new Promise<{ exitCode: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, { cwd: options.cwd, shell: true, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => {
      if (options.echoStderr) process.stderr.write(chunk);
      err = (err + chunk.toString("utf8")).slice(-STDERR_TAIL);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ exitCode: code ?? 1, stdout: Buffer.concat(out).toString("utf8"), stderr: err }));
  });
  const newRunDirs = (await listRunDirs(options.runsDir)).filter((d) => !before.has(d));
  return { exitCode, stdout, stderrTail: stderr, newRunDirs };
}
