/**
 * Shared Vitest settings: every project resolves `@i3/*` imports to the package sources
 * (the `@i3/source` export condition), so tests never need a prior build.
 */
import { defineProject } from "vitest/config";

/** A Vitest project for one workspace package; `name` is the package name, e.g. `@i3/metrics`. */
export function i3Project(name: string, testTimeoutMs = 60_000) {
  return defineProject({
    resolve: { conditions: ["@i3/source", "import", "module", "node", "default"] },
    ssr: { resolve: { conditions: ["@i3/source", "import", "module", "node", "default"] } },
    test: {
      name,
      include: ["test/**/*.test.ts"],
      environment: "node",
      testTimeout: testTimeoutMs,
      hookTimeout: testTimeoutMs,
    },
  });
}
