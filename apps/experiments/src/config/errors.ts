/**
 * Readable config errors: one line per problem, naming the dotted path and the reason, e.g.
 * `config error at model.pooling: expected "cls" | "mean", got "max"`.
 */
import type { z } from "zod";
import { SYSTEM_KINDS } from "../systems/registry.js";

/** Thrown when a config does not validate; `issues` holds one line per problem. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly string[], source?: string) {
    super(`${source ? `${source}: ` : ""}${issues.join("\n")}`);
    this.name = "ConfigError";
  }
}

/** `a.b[2].c` style path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(root)" : out;
}

/** A value as the error shows it (JSON, shortened). */
export function showValue(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "function") return "a function";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** One zod issue as `config error at <path>: <reason>` lines (unknown keys give one line each). */
export function formatIssue(issue: z.core.$ZodIssue): string[] {
  const at = (path: readonly PropertyKey[]) => `config error at ${formatPath(path)}`;
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => `${at([...issue.path, key])}: unknown field`);
    case "invalid_value":
      return [`${at(issue.path)}: expected ${issue.values.map((v) => showValue(v)).join(" | ")}, got ${showValue(input)}`];
    case "invalid_type":
      if (input === undefined) return [`${at(issue.path)}: required ${issue.expected} is missing`];
      return [`${at(issue.path)}: expected ${issue.expected}, got ${typeOf(input)} ${showValue(input)}`];
    case "invalid_key":
      return [`${at(issue.path)}: ${issue.issues.map((i) => i.message).join("; ")}`];
    case "invalid_union": {
      // A system `kind` no registered system has (zod's discriminated union lists no options).
      const discriminator = (issue as { discriminator?: string }).discriminator;
      if (discriminator === "kind" && issue.errors.length === 0) {
        const kind = typeof input === "object" && input !== null ? (input as { kind?: unknown }).kind : input;
        return [`${at(issue.path)}: expected ${SYSTEM_KINDS.map((k) => showValue(k)).join(" | ")}, got ${showValue(kind)}`];
      }
      const got = input === undefined ? "" : `, got ${showValue(input)}`;
      const options = issue.errors
        .map((branch) => branch.map((i) => (i.code === "invalid_value" ? i.values.map((v) => showValue(v)).join(" | ") : i.code === "invalid_type" ? i.expected : undefined)))
        .flat()
        .filter((s): s is string => s !== undefined);
      const unique = [...new Set(options)];
      const nested = issue.errors.flat().filter((i) => i.path.length > 0);
      if (nested.length > 0 && typeof input === "object" && input !== null) {
        return nested.flatMap((i) => formatIssue({ ...i, path: [...issue.path, ...i.path] } as z.core.$ZodIssue));
      }
      return [`${at(issue.path)}: expected ${unique.length > 0 ? unique.join(" | ") : "one of the allowed forms"}${got}`];
    }
    default:
      return [`${at(issue.path)}: ${issue.message}${input !== undefined && issue.code !== "custom" ? `, got ${showValue(input)}` : ""}`];
  }
}

/** Every issue of a zod error, formatted. */
export function formatZodError(error: z.core.$ZodError): string[] {
  return error.issues.flatMap((issue) => formatIssue(issue));
}
