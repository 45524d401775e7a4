/**
 * Canonical JSON and stable hashes: one text per value, so equal content always gives equal
 * text and equal sha256, for config hashes, stage cache keys, run ids, tokenizer and cache
 * fingerprints. Object keys are sorted by UTF-16 code units at every level (as RFC 8785 JCS
 * sorts them; integer-like keys such as "10" and "2" included, unlike `JSON.stringify`'s order),
 * object properties that are `undefined` are left out, and there is no whitespace. Strings and
 * numbers are written by `JSON.stringify` (`-0` as `0`).
 *
 * Values JSON cannot hold are errors naming their path, never silently written as `null` or
 * dropped: NaN and ±Infinity, `undefined` in an array or at the top, functions, symbols,
 * bigints, and objects other than plain objects and arrays (a `Map`, `Set` or `Date` would
 * otherwise all hash as `{}`).
 */
import { createHash } from "node:crypto";

/** The canonical JSON text of `value` (see the module comment for the rules). */
export function canonicalJson(value: unknown): string {
  return write(value, "$");
}

/** sha256 (hex) of {@link canonicalJson}(`value`). */
export function stableHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

function write(value: unknown, path: string): string {
  if (value === null || typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`canonicalJson: ${path} is ${value}, which JSON cannot hold`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === undefined) throw new Error(`canonicalJson: ${path}[${i}] is undefined, which JSON cannot hold (use null)`);
      items.push(write(item, `${path}[${i}]`));
    }
    return `[${items.join(",")}]`;
  }
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? "non-plain object";
      throw new Error(`canonicalJson: ${path} is a ${kind}, not a plain object or array`);
    }
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((key) => `${JSON.stringify(key)}:${write(record[key], `${path}.${key}`)}`).join(",")}}`;
  }
  throw new Error(`canonicalJson: ${path} is ${value === undefined ? "undefined" : `a ${typeof value}`}, which JSON cannot hold`);
}
