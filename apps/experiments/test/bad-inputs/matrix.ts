/**
 * The bad-input matrix harness: each row is one invocation of the `i3` command on files written
 * for it, with the exit code and a fragment of the output it must give. Rows run in-process
 * through `main` (fast); rows with `stdin` run the CLI as a child process (stdin must be a pipe).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.js";

/** One row: `$/` in `args` (and `stdin`) stands for the row's temp folder holding `files`. */
export interface MatrixRow {
  /** What the row checks. */
  case: string;
  /** Files to write, by path relative to the row's folder (parents are created). */
  files?: Record<string, string | Buffer>;
  /** Arguments after `i3`. */
  args: string[];
  /** Piped to the command's standard input (runs the CLI as a child process). */
  stdin?: string | Buffer;
  /** Expected exit code: 0 success, 2 user error. */
  exit: number;
  /** A fragment of stderr (errors) or stdout (success) that must appear; a RegExp or a string. */
  output: string | RegExp;
  /** Further checks on the row's folder after the command ran (e.g. files left behind). */
  after?: (dir: string) => void;
}

const CLI = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

/** Runs `i3 args` in this process and returns its exit code and what it printed. */
async function runInProcess(args: string[]): Promise<{ exit: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const capture = (into: string[]) => (chunk: string | Uint8Array) => {
    into.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    return true;
  };
  const out = vi.spyOn(process.stdout, "write").mockImplementation(capture(stdout) as typeof process.stdout.write);
  const err = vi.spyOn(process.stderr, "write").mockImplementation(capture(stderr) as typeof process.stderr.write);
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await main(["node", "i3", ...args]);
    return { exit: Number(process.exitCode ?? 0), stdout: stdout.join(""), stderr: stderr.join("") };
  } finally {
    process.exitCode = before;
    out.mockRestore();
    err.mockRestore();
  }
}

/** Runs `i3 args` as a child process with `stdin` piped in. */
function runChild(args: string[], stdin: string | Buffer): { exit: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--conditions=@i3/source", "--import", "tsx", CLI, ...args], { input: stdin, encoding: "utf8" });
  return { exit: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Defines one test per row under `title`. */
export function defineMatrix(title: string, rows: readonly MatrixRow[]): void {
  const root = mkdtempSync(join(tmpdir(), "i3-bad-inputs-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  describe(title, () => {
    rows.forEach((row, index) => {
      it(`${row.case} -> exit ${row.exit}`, async () => {
        const dir = join(root, String(index));
        mkdirSync(dir);
        for (const [name, content] of Object.entries(row.files ?? {})) {
          mkdirSync(dirname(join(dir, name)), { recursive: true });
          writeFileSync(join(dir, name), content);
        }
        const args = row.args.map((a) => a.replaceAll("$/", `${dir}/`));
        const result = row.stdin === undefined ? await runInProcess(args) : runChild(args, row.stdin);
        const shown = row.exit === 0 ? result.stdout : result.stderr;
        expect(result.exit, `stderr: ${result.stderr}`).toBe(row.exit);
        if (typeof row.output === "string") expect(shown).toContain(row.output.replaceAll("$/", `${dir}/`));
        else expect(shown).toMatch(row.output);
        if (row.exit !== 0) expect(result.stdout, "a failed command prints no result").toBe("");
        row.after?.(dir);
      });
    });
  });
}
