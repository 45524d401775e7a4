/**
 * A private `redis-server` for the distributed sweep tests: bound to 127.0.0.1 on a free port, no
 * persistence, its folder a temp dir; `undefined` when the `redis-server` binary is absent (the
 * tests then skip, saying so). `.ci/run` installs it (Debian package `redis-server`).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { tempDir } from "./runner-fixtures.js";

/** A running server. */
export interface TestRedis {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** True when `redis-server` is on the PATH. */
export function redisServerAvailable(): boolean {
  return spawnSync("redis-server", ["--version"], { encoding: "utf8" }).status === 0;
}

/** A TCP port nobody listens on right now (asked from the OS). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `redis-server` (optionally with `requirepass`) and resolves once it accepts connections. */
export async function startRedis(options: { password?: string } = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = await tempDir("i3-redis-");
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, ...(options.password ? ["--requirepass", options.password] : [])];
  const child: ChildProcess = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start in 20s:\n${output}`)), 20_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}):\n${output}`));
    });
  });
  return {
    port,
    url: `redis://${options.password ? `:${options.password}@` : ""}127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
