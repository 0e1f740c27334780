// One process at a time owns an embedded data directory: it runs the directory's PostgreSQL server
// and writes where others find it (embedded.json). PostgreSQL's postmaster.pid alone would refuse a
// second server, but not say which of our processes serves. The lock is a file the owner creates
// atomically (a hard link fails if the name exists), naming its process id. A lock whose process
// is gone (kill -9, a crash) is stale and is taken over, by exactly one starter when several
// see it at once.
import { randomUUID } from "node:crypto";
import { link, readdir, readFile, rm, unlink, writeFile } from "node:fs/promises";
import path from "node:path";

export const LOCK_FILE = "lock";

interface Holder {
  pid: number;
  /** Tells one lock file from another even when a process id is reused. */
  token: string;
}

export class EmbeddedInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database in ${dataDir} is already served by process ${pid}. Stop that process, or ` +
        `connect through it (its URL is in ${path.join(dataDir, "embedded.json")}). If process ${pid} is not a ` +
        `MeetMind server (its id was reused after a crash), delete ${path.join(dataDir, LOCK_FILE)}.`,
    );
    this.name = "EmbeddedInUseError";
  }
}

export interface DataDirLock {
  release(): Promise<void>;
}

/** Lock files this process holds: its own process id in a lock file is then not stale. */
const heldHere = new Set<string>();

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

async function readHolder(file: string): Promise<Holder | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw error;
  }
  try {
    const holder = JSON.parse(text) as Partial<Holder>;
    if (Number.isInteger(holder.pid) && typeof holder.token === "string") return holder as Holder;
  } catch {
    // Reported below.
  }
  // Lock files appear whole (see lockDataDir), so this one was written by something else.
  throw new Error(`${file} is not a MeetMind lock file. Delete it if no MeetMind server uses ${path.dirname(file)}.`);
}

/** The process holding dataDir's lock, if it is alive. */
export async function lockHolder(dataDir: string): Promise<number | undefined> {
  const file = path.join(dataDir, LOCK_FILE);
  const holder = await readHolder(file).catch(() => undefined);
  if (!holder) return undefined;
  if (holder.pid === process.pid) return heldHere.has(file) ? holder.pid : undefined;
  return isAlive(holder.pid) ? holder.pid : undefined;
}

/**
 * Removes a stale lock unless another starter is doing it. Several starters may read the same
 * stale lock; if each simply deleted it, one could delete the lock another had just taken. Only
 * the one that creates this lock's marker may delete it, and only while it is still this lock.
 * Returns whether the caller should wait for the starter that holds the marker.
 */
async function breakStaleLock(file: string, stale: Holder): Promise<"done" | "wait"> {
  const marker = `${file}.stale-${stale.token}`;
  try {
    await writeFile(marker, "", { flag: "wx" });
  } catch (error) {
    if (errorCode(error) === "EEXIST") return "wait";
    throw error;
  }
  try {
    // Nobody else can remove this lock now: its owner is dead and we hold its marker.
    if ((await readHolder(file))?.token === stale.token) await unlink(file);
  } finally {
    // Once it is gone it never comes back (tokens are unique), so the marker has done its job.
    await rm(marker, { force: true });
  }
  return "done";
}

const DRAFT = /^lock\.(\d+)\.[0-9a-f-]{36}$/;
const MARKER = /^lock\.stale-([0-9a-f-]{36})$/;

/** Drafts and markers left by starters that died. */
async function removeLeftovers(dataDir: string, token: string): Promise<void> {
  for (const name of await readdir(dataDir)) {
    const draft = DRAFT.exec(name);
    const marker = MARKER.exec(name);
    // Markers name dead owners' locks, which are all gone now that we hold ours.
    const leftover = draft ? !isAlive(Number(draft[1])) : marker ? marker[1] !== token : false;
    if (leftover) await rm(path.join(dataDir, name), { force: true });
  }
}

/** Takes dataDir's lock, or throws EmbeddedInUseError naming the process that holds it. */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const file = path.join(dataDir, LOCK_FILE);
  const mine: Holder = { pid: process.pid, token: randomUUID() };
  // Written whole under a name of our own, then linked into place: the lock file is never seen
  // half-written, so a reader always finds a process id in it.
  const draft = `${file}.${process.pid}.${mine.token}`;
  await writeFile(draft, JSON.stringify(mine), { mode: 0o600 });
  try {
    for (let waits = 0; ; ) {
      try {
        await link(draft, file);
        break;
      } catch (error) {
        if (errorCode(error) !== "EEXIST") throw error;
      }
      const holder = await readHolder(file);
      if (!holder) continue;
      // Our own process id with a lock we do not hold: a previous process with our id (e.g. pid 1
      // in a restarted container) died holding it.
      const ours = holder.pid === process.pid;
      if (ours ? heldHere.has(file) : isAlive(holder.pid)) throw new EmbeddedInUseError(dataDir, holder.pid);
      if ((await breakStaleLock(file, holder)) === "done") continue;
      // Another starter is removing it; it should take milliseconds. If that starter died in
      // between, the marker stays and only a person can tell that nothing uses the directory.
      if (++waits === 250) {
        throw new Error(
          `Could not take over the stale lock ${file} (left by process ${holder.pid}). ` +
            `Delete it if no MeetMind server uses ${dataDir}.`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await rm(draft, { force: true });
  }
  heldHere.add(file);
  await removeLeftovers(dataDir, mine.token);

  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      heldHere.delete(file);
      if ((await readHolder(file).catch(() => undefined))?.token === mine.token) await rm(file, { force: true });
    },
  };
}
