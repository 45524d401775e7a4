/**
 * The Redis connection of a distributed sweep, from a `--queue` URL: `redis://[[user]:password@]host[:port][/db]`
 * or `rediss://...` (TLS). The password never appears in messages ({@link RedisHandle.display}).
 * The client is an ioredis instance owned here and handed to BullMQ (which duplicates it for a
 * worker's blocking connection), so connection errors always have a listener and a wrong password
 * or an unreachable host fails at once with one clear message.
 */
import { Redis, type RedisOptions } from "ioredis";

/** The BullMQ queue every sweep job goes through (one queue; jobs of different sweeps have different ids). */
export const QUEUE_NAME = "i3-sweeps";

/** A parsed `--queue` URL. */
export interface QueueUrl {
  /** ioredis options. */
  readonly options: RedisOptions;
  /** The URL with the password replaced by `***`, for messages. */
  readonly display: string;
}

/** Parses a `--queue` URL; throws naming the flag and what is wrong (the password is never echoed). */
export function parseQueueUrl(url: string, flag = "--queue"): QueueUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${flag}: not a URL; expected redis://[:password@]host[:port][/db] or rediss://... (TLS)`);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new Error(`${flag}: unsupported scheme "${parsed.protocol}"; expected redis:// or rediss:// (TLS)`);
  }
  if (parsed.hostname === "") throw new Error(`${flag}: no host in the URL`);
  const port = parsed.port === "" ? 6379 : Number(parsed.port);
  const dbText = parsed.pathname.replace(/^\//, "");
  if (dbText !== "" && !/^\d+$/.test(dbText)) throw new Error(`${flag}: the path must be a database number (/0, /1, ...), got "/${dbText}"`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  const password = parsed.password === "" ? undefined : decodeURIComponent(parsed.password);
  const username = parsed.username === "" ? undefined : decodeURIComponent(parsed.username);
  const options: RedisOptions = {
    host,
    port,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(dbText !== "" ? { db: Number(dbText) } : {}),
    ...(parsed.protocol === "rediss:" ? { tls: { servername: host } } : {}),
  };
  const auth = password !== undefined ? `${username ?? ""}:***@` : username !== undefined ? `${username}@` : "";
  const display = `${parsed.protocol}//${auth}${parsed.host}${dbText !== "" ? `/${dbText}` : ""}`;
  return { options, display };
}

/** A connected client. */
export interface RedisHandle {
  readonly client: Redis;
  readonly display: string;
  /** Closes the client (after the BullMQ objects using it are closed). */
  close(): Promise<void>;
}

/**
 * Connects to the Redis of `url` and checks it answers (PING); throws `cannot reach Redis at
 * <display>: <why>` after `timeoutMs`, or at once when Redis refuses the credentials. Later
 * connection errors go to `onError` (the client reconnects by itself).
 */
export async function connectRedis(url: string, onError: (error: Error) => void = () => {}, timeoutMs = 15_000): Promise<RedisHandle> {
  const { options, display } = parseQueueUrl(url);
  // maxRetriesPerRequest null: BullMQ's requirement for a worker's connection (commands wait for a reconnect).
  const client = new Redis({ ...options, lazyConnect: true, maxRetriesPerRequest: null, connectTimeout: 10_000 });
  let lastError: Error | undefined;
  let ready = false;
  let rejectNow: ((error: Error) => void) | undefined;
  client.on("error", (error: Error) => {
    lastError = error;
    if (ready) onError(error);
    else if (/NOAUTH|WRONGPASS|invalid password|invalid username/i.test(error.message)) rejectNow?.(new Error(`Redis at ${display} refused the credentials: ${error.message}`));
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (async () => {
        await client.connect();
        await client.ping();
      })(),
      new Promise<never>((_, reject) => {
        rejectNow = reject;
        timer = setTimeout(() => reject(new Error(`cannot reach Redis at ${display}: ${lastError?.message ?? `no answer in ${timeoutMs / 1000}s`}`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    client.disconnect();
    const message = (error as Error).message;
    throw message.includes(display) ? error : new Error(`cannot reach Redis at ${display}: ${message}`);
  } finally {
    clearTimeout(timer);
  }
  ready = true;
  return {
    client,
    display,
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
