/** What the MICE system's `states` stage writes (a module of its own: index.ts and model.ts both read it). */

/** Output of the `states` stage. */
export interface MiceStatesOutput {
  /** The token-state store folder, relative to the stage folder. */
  readonly store: string;
  readonly passages: number;
  readonly tokens: number;
  readonly dtype: string;
  /** Mean bytes of stored states per passage. */
  readonly bytesPerPassage: number;
  readonly backend: string;
}
