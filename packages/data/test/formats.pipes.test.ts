/** Reading runs and qrels from pipes (a FIFO, `/dev/stdin`, `-`): read once, never seeked. */
import { execFileSync, spawnSync } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { loadQrels, loadRun, loadRunAndFormat } from "@i3/data";

const dir = mkdtempSync(join(tmpdir(), "i3-formats-pipes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

/** A FIFO that `content` is written into (by this process, concurrently) once a reader opens it. */
function fifo(content: string | Buffer): string {
  const path = join(dir, `fifo${counter++}`);
  execFileSync("mkfifo", [path]);
  const out = createWriteStream(path);
  out.end(content);
  return path;
}

const trec = "q1 Q0 d1 1 3.5 t\nq1 Q0 d2 2 2 t\nq2 Q0 d1 1 1 t\n";
const expected = new Map([
  ["q1", new Map([["d1", 3.5], ["d2", 2]])],
  ["q2", new Map([["d1", 1]])],
]);

describe("pipes", () => {
  it("loadRun reads a FIFO once: format detected, plain and gzip", async () => {
    expect(await loadRunAndFormat(fifo(trec))).toEqual({ run: expected, format: "trec" });
    expect(await loadRun(fifo(gzipSync(trec)))).toEqual(expected);
    expect(await loadRun(fifo("q1\td1\t1\nq1\td2\t2\n"), { format: "msmarco" })).toEqual(new Map([["q1", new Map([["d1", -1], ["d2", -2]])]]));
  });

  it("loadQrels reads a FIFO once, TREC and BEIR", async () => {
    expect(await loadQrels(fifo("q1 0 d1 1\n"))).toEqual(new Map([["q1", new Map([["d1", 1]])]]));
    expect(await loadQrels(fifo(gzipSync("query-id\tcorpus-id\tscore\nq1\td1\t2\n")))).toEqual(new Map([["q1", new Map([["d1", 2]])]]));
  });

  it("reads standard input as - and as /dev/stdin", () => {
    const script = `import("@i3/data").then(async (d) => { const r = await d.loadRun(process.argv[1]); process.stdout.write(JSON.stringify([...r].map(([q, m]) => [q, [...m]]))); })`;
    for (const path of ["-", "/dev/stdin"]) {
      const r = spawnSync(process.execPath, ["--conditions=@i3/source", "--import", "tsx", "-e", script, path], { input: gzipSync(trec), encoding: "utf8" });
      expect(r.stderr, path).toBe("");
      expect(JSON.parse(r.stdout)).toEqual([...expected].map(([q, m]) => [q, [...m]]));
    }
  });
});
