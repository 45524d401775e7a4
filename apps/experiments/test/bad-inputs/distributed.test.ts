/**
 * Bad inputs of the distributed sweep: `i3 worker` and `i3 sweep --queue` with malformed queue
 * URLs, queue-only flags without a queue, and flags that belong to the workers. None needs Redis:
 * each is refused before any connection (the password never echoed).
 */
import { defineMatrix, type MatrixRow } from "./matrix.js";

const SWEEP = {
  "s.ts": 'export default { kind: "sweep", name: "s", base: { name: "x", systems: { bm25: { kind: "bm25" } } }, grid: {}, variants: [], includeBase: true, concurrency: 1 };\n',
};

const rows: MatrixRow[] = [
  { case: "worker without --queue", args: ["worker"], exit: 2, output: "required option '--queue <url>' not specified" },
  { case: "worker with a non-Redis scheme", args: ["worker", "--queue", "http://:pw@host:6379"], exit: 2, output: 'i3: --queue: unsupported scheme "http:"; expected redis:// or rediss:// (TLS)' },
  { case: "worker with a non-URL", args: ["worker", "--queue", "localhost:6379x"], exit: 2, output: /--queue: (not a URL|unsupported scheme)/ },
  { case: "worker with a database path that is not a number", args: ["worker", "--queue", "redis://:secret@host/zero"], exit: 2, output: '--queue: the path must be a database number (/0, /1, ...), got "/zero"' },
  { case: "worker with a zero stall timeout", args: ["worker", "--queue", "redis://host", "--stall-timeout", "0"], exit: 2, output: "expected seconds from 0.5 to 86400" },
  { case: "worker with a name holding a space", args: ["worker", "--queue", "redis://host", "--name", "my worker"], exit: 2, output: "--name my worker: expected letters, digits" },
  { case: "--status without --queue", files: SWEEP, args: ["sweep", "$/s.ts", "--status"], exit: 2, output: "sweep: --status needs --queue redis://..." },
  { case: "--rerun without --queue", files: SWEEP, args: ["sweep", "$/s.ts", "--rerun"], exit: 2, output: "sweep: --rerun needs --queue redis://..." },
  { case: "--queue with a worker's flag", files: SWEEP, args: ["sweep", "$/s.ts", "--queue", "redis://host", "--cache-dir", "$/c"], exit: 2, output: "are set on each i3 worker, not here" },
  { case: "--queue with an unsupported scheme, password not echoed", files: SWEEP, args: ["sweep", "$/s.ts", "--queue", "https://:hunter2@host"], exit: 2, output: /^(?![\s\S]*hunter2)[\s\S]*unsupported scheme "https:"/ },
];

defineMatrix("i3 worker / i3 sweep --queue: bad inputs", rows);
