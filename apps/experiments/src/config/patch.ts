/** Dotted-path patches of plain config objects (`"losses.contrastive.temperature"`). */

/** Returns a deep copy of `base` with `value` set at the dotted `path` (intermediate objects created). */
export function setPath<T>(base: T, path: string, value: unknown): T {
  const keys = path.split(".");
  if (keys.some((k) => k === "")) throw new Error(`invalid config path "${path}"`);
  const copy = structuredClone(base) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  keys.slice(0, -1).forEach((key, i) => {
    const next = node[key];
    if (next === undefined) node[key] = {};
    else if (typeof next !== "object" || next === null || Array.isArray(next)) {
      throw new Error(`config path "${path}": "${keys.slice(0, i + 1).join(".")}" is not an object`);
    }
    node = node[key] as Record<string, unknown>;
  });
  node[keys[keys.length - 1]!] = structuredClone(value);
  return copy as T;
}

/** Deep-merges `patch` into a copy of `base` (objects merge, arrays and scalars replace). */
export function mergePatch<T>(base: T, patch: unknown): T {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) return structuredClone(patch) as T;
  const out = (typeof base === "object" && base !== null && !Array.isArray(base) ? structuredClone(base) : {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    out[key] = value === undefined ? undefined : mergePatch(out[key], value);
    if (value === undefined) delete out[key];
  }
  return out as T;
}
