import { defineConfig } from "vitest/config";

/** Root test command (`npm test`): every package and app is a Vitest project, and so are `repro/`, `bench/` (its helpers) and `notebooks/` (executed in Deno's Jupyter kernel). */
export default defineConfig({
  test: {
    projects: ["packages/*/vitest.config.ts", "apps/*/vitest.config.ts", "repro/vitest.config.ts", "bench/vitest.config.ts", "notebooks/vitest.config.ts"],
    pool: "forks",
    maxWorkers: 2,
  },
});
