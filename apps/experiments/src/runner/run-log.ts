/** The run's log: JSON lines in `log.jsonl` plus readable stage lines with timings on stderr. */
import { appendFileSync } from "node:fs";

/** One log record. */
export interface LogRecord {
  readonly time: string;
  readonly event: string;
  readonly [field: string]: unknown;
}

/** Appends events to a `log.jsonl` and mirrors them on stderr. */
export class RunLog {
  private readonly started = Date.now();

  constructor(
    private readonly file: string,
    private readonly label: string,
    private readonly quiet = false,
  ) {}

  /** Records `event` with `fields`; `line` (if given) is printed on stderr. */
  event(event: string, fields: Record<string, unknown> = {}, line?: string): void {
    const record: LogRecord = { time: new Date().toISOString(), event, ...fields };
    appendFileSync(this.file, `${JSON.stringify(record)}\n`);
    if (line !== undefined && !this.quiet) {
      const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
      process.stderr.write(`[${this.label} ${seconds}s] ${line}\n`);
    }
  }
}

/** Reads the records of a `log.jsonl` text. */
export function parseLog(text: string): LogRecord[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as LogRecord);
}
