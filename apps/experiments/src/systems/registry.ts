/**
 * The system registry: every system the runner can run, one line each. Adding a system is a new
 * folder under `src/systems/` exporting a `SystemDefinition`, one line here and its docs
 * (docs/add-a-system.md). Nothing else in the app names a system.
 */
import { z } from "zod";
import { bm25System } from "./bm25/index.js";
import { crossEncoderSystem } from "./cross-encoder/index.js";
import { dualEncoderSystem } from "./dual-encoder/index.js";
import { i3System } from "./i3/index.js";
import { ltreSystem } from "./ltre/index.js";
import { miceSystem } from "./mice/index.js";
import { rrfSystem } from "./rrf/index.js";
import type { SystemDefinition } from "./system.js";

/** The registered systems. */
export const SYSTEMS = [
  bm25System,
  dualEncoderSystem,
  i3System,
  ltreSystem,
  rrfSystem,
  crossEncoderSystem,
  miceSystem,
] as const;

/** The kinds a config may use, in registry order. */
export const SYSTEM_KINDS = SYSTEMS.map((s) => s.kind);

/** Any registered system. */
export type RegisteredSystem = (typeof SYSTEMS)[number];
/** The `kind` of a registered system. */
export type SystemKind = RegisteredSystem["kind"];

type SettingsSchemas<T extends readonly SystemDefinition[]> = { -readonly [I in keyof T]: T[I]["settings"] };

/** One system's settings in a config: a union discriminated by `kind`. */
export const systemSettingsSchema = z.discriminatedUnion("kind", SYSTEMS.map((s) => s.settings) as unknown as SettingsSchemas<typeof SYSTEMS>);
/** The resolved settings of one system. */
export type SystemSettings = z.output<typeof systemSettingsSchema>;
/** The settings of one system as a config writes them. */
export type SystemSettingsInput = z.input<typeof systemSettingsSchema>;

/** The definition of `kind` among `systems` (default: the registry), or a clear error. */
export function systemDefinition(kind: string, systems: readonly SystemDefinition[] = SYSTEMS): SystemDefinition {
  const found = systems.find((s) => s.kind === kind);
  if (found === undefined) throw new Error(`no system of kind "${kind}" is registered (known: ${systems.map((s) => s.kind).join(", ")})`);
  return found;
}
