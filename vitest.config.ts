import { defineConfig } from "vitest/config";

/** Root test command (`npm test`): every package and app is a Vitest project. */
export default defineConfig({
  test: {
    projects: ["packages/*/vitest.config.ts", "apps/*/vitest.config.ts"],
    pool: "forks",
    maxWorkers: 2,
  },
});
