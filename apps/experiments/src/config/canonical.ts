/**
 * Stable identities: canonical JSON (object keys sorted, `undefined` dropped, non-finite numbers
 * rejected) and its sha256, used for config hashes, stage cache keys and run ids.
 */
import { createHash } from "node:crypto";

/** JSON with object keys sorted recursively, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value, "$"));
}

function sortKeys(value: unknown, path: string): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`canonicalJson: ${path} is ${value}, which JSON cannot hold`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => (v === undefined ? null : sortKeys(v, `${path}[${i}]`)));
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v, `${path}.${key}`);
    }
    return out;
  }
  throw new Error(`canonicalJson: ${path} is a ${typeof value}, which JSON cannot hold`);
}

/** sha256 (hex) of the canonical JSON of `value`. */
export function stableHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}
