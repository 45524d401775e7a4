/**
 * The data a distributed sweep trusts, without Redis: `--queue` URLs become the ioredis options
 * they say (password never in the display form), and a worker accepts a job only when its
 * envelope and config validate and the config resolves to the enqueued hash in this checkout.
 */
import { describe, expect, it } from "vitest";
import { configHash, defineExperiment } from "../src/config/define.js";
import { parseQueueUrl } from "../src/distributed/connection.js";
import { sweepJob, sweepJobId, validateSweepJob } from "../src/distributed/jobs.js";

describe("parseQueueUrl", () => {
  it("reads host, port, user, password, database and TLS, and hides the password", () => {
    expect(parseQueueUrl("redis://127.0.0.1")).toEqual({ options: { host: "127.0.0.1", port: 6379 }, display: "redis://127.0.0.1" });
    expect(parseQueueUrl("redis://:p%40ss@10.0.0.5:6380/2")).toEqual({ options: { host: "10.0.0.5", port: 6380, password: "p@ss", db: 2 }, display: "redis://:***@10.0.0.5:6380/2" });
    expect(parseQueueUrl("rediss://i3:secret@redis.lan:6390")).toEqual({
      options: { host: "redis.lan", port: 6390, username: "i3", password: "secret", tls: { servername: "redis.lan" } },
      display: "rediss://i3:***@redis.lan:6390",
    });
    expect(parseQueueUrl("redis://[::1]:7000").options).toEqual({ host: "::1", port: 7000 });
  });
});

describe("validateSweepJob", () => {
  const config = defineExperiment({ name: "x--k1=0.6", systems: { bm25: { kind: "bm25", k1: 0.6 } } });
  const key = "ab".repeat(32);

  it("returns the validated config of a well-formed job", () => {
    const job = sweepJob("s", key, 3, config);
    expect(job.configHash).toBe(configHash(config));
    expect(sweepJobId(key, 3)).toBe(`${"ab".repeat(12)}-3`);
    expect(validateSweepJob(JSON.parse(JSON.stringify(job)), "j").config).toEqual(config);
  });

  it("rejects envelopes with extra or missing fields", () => {
    const job = sweepJob("s", key, 0, config);
    expect(() => validateSweepJob({ ...job, code: "process.exit()" }, "j")).toThrow('job j: not a sweep job: (root): Unrecognized key: "code"');
    const { configHash: _h, ...noHash } = job;
    expect(() => validateSweepJob(noHash, "j")).toThrow("job j: not a sweep job: configHash");
    expect(() => validateSweepJob("rm -rf /", "j")).toThrow("job j: not a sweep job");
  });

  it("rejects a config that does not validate, a renamed config, and one that resolves to another hash here", () => {
    const job = sweepJob("s", key, 0, config);
    expect(() => validateSweepJob({ ...job, config: { ...job.config, systems: { bm25: { kind: "bm25", k1: -1 } } } }, "j")).toThrow(
      "job j: its config does not validate: job j: config error at systems.bm25.k1",
    );
    expect(() => validateSweepJob({ ...job, name: "other" }, "j")).toThrow('job j: the config is named "x--k1=0.6", the job "other"');
    // A field the enqueuing checkout did not have (its defaults differ): same config text, other hash.
    const older = { ...job, config: { ...job.config } };
    delete (older.config as Record<string, unknown>)["evaluation"];
    expect(() => validateSweepJob(older, "j")).not.toThrow(); // defaults fill it back: same hash
    expect(() => validateSweepJob({ ...job, configHash: "0".repeat(64) }, "j")).toThrow(
      `job j: the config resolves to hash ${job.configHash.slice(0, 12)} in this worker's checkout, 000000000000 where it was enqueued; run the same toolkit version on every machine`,
    );
  });
});
