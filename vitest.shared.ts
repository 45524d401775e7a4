/**
 * Shared Vitest settings: every project resolves `@i3/*` imports to the package sources
 * (the `@i3/source` export condition), so tests never need a prior build.
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

/**
 * The real collections some tests use (SciFact, Cranfield, MS MARCO qrels) are found like any
 * collection, through env `I3_DATASETS_PATH` (see datasets/README.md); without them those tests
 * skip with a message naming the variable. When the variable is unset and this project's
 * `shared/datasets` folder sits beside the repository, the tests point it there (`.ci/run` sets
 * it explicitly). Only the tests do this: the toolkit itself never looks beside the repository.
 */
const repoRoot = dirname(fileURLToPath(import.meta.url));
const sharedDatasets = resolve(repoRoot, "../shared/datasets");
const datasetsPath = process.env["I3_DATASETS_PATH"] ?? (existsSync(sharedDatasets) ? sharedDatasets : undefined);

/** A Vitest project for one workspace package; `name` is the package name, e.g. `@i3/metrics`. */
export function i3Project(name: string, testTimeoutMs = 60_000) {
  return defineProject({
    resolve: { conditions: ["@i3/source", "import", "module", "node", "default"] },
    ssr: { resolve: { conditions: ["@i3/source", "import", "module", "node", "default"] } },
    test: {
      name,
      include: ["test/**/*.test.ts"],
      environment: "node",
      env: datasetsPath === undefined ? {} : { I3_DATASETS_PATH: datasetsPath },
      testTimeout: testTimeoutMs,
      hookTimeout: testTimeoutMs,
      // Temporary files go to one folder per test run, removed when it ends (vitest.global-setup.ts).
      globalSetup: [resolve(repoRoot, "vitest.global-setup.ts")],
    },
  });
}
