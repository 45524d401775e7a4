/**
 * The one error type for malformed input files. It names the file, the 1-based line and the
 * field, so a message reads like `runs/x.trec:17: field "score": "abc" is not a number`.
 */
export class InputError extends Error {
  /** Path of the offending file, as given by the caller (`-`, standard input, prints as `<stdin>`). */
  readonly file: string;
  /** 1-based line number, or undefined when the problem is the file as a whole. */
  readonly line: number | undefined;
  /** Name of the offending field (column), or undefined when the whole line is wrong. */
  readonly field: string | undefined;

  /** `detail` says what is wrong, e.g. `"abc" is not a number`. */
  constructor(file: string, line: number | undefined, field: string | undefined, detail: string) {
    const shown = file === "-" ? "<stdin>" : file;
    const where = line === undefined ? shown : `${shown}:${line}`;
    super(field === undefined ? `${where}: ${detail}` : `${where}: field "${field}": ${detail}`);
    this.name = "InputError";
    this.file = file;
    this.line = line;
    this.field = field;
  }
}

/** Quotes a value for an error message, shortened so one bad line cannot flood the log. */
export function quote(value: string, max = 60): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}...` : value);
}
