import { defineConfig } from "vitest/config";

/** Root test command (`npm test`): every package and app is a Vitest project, and so is `repro/`. */
export default defineConfig({
  test: {
    projects: ["packages/*/vitest.config.ts", "apps/*/vitest.config.ts", "repro/vitest.config.ts"],
    pool: "forks",
    maxWorkers: 2,
  },
});
