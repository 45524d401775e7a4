/**
 * Comparing a reproduced value with the printed one, at the printed precision: the value is
 * rounded to as many decimals as the README prints (`Number.prototype.toFixed`, the rounding
 * `i3 eval` and the reports print with) and the two printed strings must be equal.
 */

/** The outcome for one value. */
export interface ValueCheck {
  readonly ok: boolean;
  /** The reproduced value printed like the published one (e.g. `.2757`). */
  readonly got: string;
  /** The published value, as printed. */
  readonly published: string;
  /** got - published at the printed precision, signed (e.g. `+.0033`); `.0000` when equal. */
  readonly diff: string;
}

/** Decimals of a printed value (`.6789` -> 4). Throws on anything but a plain decimal. */
export function printedDecimals(published: string): number {
  const m = /^-?\d*\.(\d+)$/.exec(published);
  if (!m) throw new Error(`published value ${JSON.stringify(published)} is not a printed decimal like ".6789"`);
  return m[1]!.length;
}

/** Prints `value` with `decimals` decimals in the README's style: no leading zero (`.2757`, `-.0010`, `1.0000`). */
export function printLikeReadme(value: number, decimals: number): string {
  const fixed = value.toFixed(decimals);
  return fixed.replace(/^(-?)0\./, "$1.");
}

/** Compares a reproduced value with a published one at the published precision. */
export function compareValue(got: number, published: string): ValueCheck {
  const decimals = printedDecimals(published);
  if (!Number.isFinite(got)) return { ok: false, got: String(got), published, diff: "n/a" };
  const gotPrinted = printLikeReadme(got, decimals);
  const publishedPrinted = printLikeReadme(Number(published), decimals);
  // Integers in units of the last printed decimal: the difference carries no binary noise.
  const units = Math.round(Number(gotPrinted) * 10 ** decimals) - Math.round(Number(published) * 10 ** decimals);
  const magnitude = printLikeReadme(Math.abs(units) / 10 ** decimals, decimals);
  const diff = units > 0 ? `+${magnitude}` : units < 0 ? `-${magnitude}` : magnitude;
  return { ok: gotPrinted === publishedPrinted, got: gotPrinted, published, diff };
}

/** `OK .6789` or `FAIL (got .2757, published .2724, diff +.0033)`. */
export function formatCheck(check: ValueCheck): string {
  return check.ok ? `OK ${check.got}` : `FAIL (got ${check.got}, published ${check.published}, diff ${check.diff})`;
}
