/**
 * Deno's Jupyter kernel without global state: a kernelspec (`kernels/deno/kernel.json`, what
 * `deno jupyter --install` writes) in a folder of its own, and the environment that makes Jupyter
 * read only that folder and keep its runtime files there, for `jupyter nbconvert --execute`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** The repository root (this file is notebooks/kernel.ts). */
export const repoRoot = resolve(import.meta.dirname, "..");

/** The deno executable the root devDependency `deno` installs (node_modules/.bin/deno), or undefined. */
export function denoExecutable(root = repoRoot): string | undefined {
  const bin = join(root, "node_modules", ".bin", "deno");
  if (!existsSync(bin)) return undefined;
  const real = realpathSync(bin);
  const r = spawnSync(real, ["--version"], { encoding: "utf8" });
  return r.status === 0 ? real : undefined;
}

/** `jupyter nbconvert --version` when Jupyter's nbconvert runs, else undefined. */
export function nbconvertVersion(): string | undefined {
  const r = spawnSync("jupyter", ["nbconvert", "--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * Writes the `deno` kernelspec into `dir/kernels/deno/` and returns the environment for Jupyter
 * commands: its data, config and runtime folders all inside `dir`, so no kernel installed
 * elsewhere (a user's own `deno jupyter --install`) is used and nothing outside `dir` is written.
 */
export function denoKernelEnv(dir: string, deno: string): NodeJS.ProcessEnv {
  const spec = join(dir, "kernels", "deno");
  mkdirSync(spec, { recursive: true });
  const kernel = { argv: [deno, "jupyter", "--kernel", "--conn", "{connection_file}"], display_name: "Deno", language: "typescript" };
  writeFileSync(join(spec, "kernel.json"), `${JSON.stringify(kernel, null, 2)}\n`);
  for (const sub of ["config", "runtime"]) mkdirSync(join(dir, sub), { recursive: true });
  return {
    ...process.env,
    JUPYTER_DATA_DIR: dir,
    JUPYTER_PATH: dir,
    JUPYTER_CONFIG_DIR: join(dir, "config"),
    JUPYTER_RUNTIME_DIR: join(dir, "runtime"),
    JUPYTER_PLATFORM_DIRS: "1",
    // Deno's own cache (compiled cells, npm metadata) stays out of the user's home too.
    DENO_DIR: join(dir, "deno-cache"),
    NO_COLOR: "1",
  };
}
