// Flat ESLint config shared by every package: eslint's and typescript-eslint's recommended rules,
// and one file naming convention (kebab-case; eslint-plugin-check-file).
import js from "@eslint/js";
import checkFile from "eslint-plugin-check-file";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "bench/out/**", "runs/**", "datasets/**", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  {
    files: ["**/*.ts", "**/*.mts", "**/*.js", "**/*.mjs"],
    plugins: { "check-file": checkFile },
    // kebab-case names; `ignoreMiddleExtensions` lets `x.test.ts` and `x.bench.ts` through.
    rules: { "check-file/filename-naming-convention": ["error", { "**/*.{ts,mts,js,mjs}": "KEBAB_CASE" }, { ignoreMiddleExtensions: true }] },
  },
);
