/**
 * @module
 * One process at a time per data directory. LevelDB locks its folder, but kinesalite and dynalite
 * only notice on their first request and then crash the process ("Database is closed"), and two
 * PGlite instances on one folder would corrupt it. So the launcher claims the folder first with a
 * lock file holding its PID; a lock left by a process that no longer runs is taken over.
 */
import { mkdir, open, readFile, rm } from "node:fs/promises";
import { join } from "node:path";

export const LOCK_FILE = "furrow.lock";

export interface DataDirLock {
  readonly path: string;
  /** Removes the lock file. Idempotent. */
  release(): Promise<void>;
}

function isRunning(pid: number): boolean {
  try {
    // Signal 0 checks that the process exists without signalling it.
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Claims `dataDir` for this process; throws if another running process (or this one) holds it. */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, "wx");
      await file.writeFile(`${process.pid}\n`);
      await file.close();
      let released = false;
      return {
        path,
        release: async () => {
          if (released) return;
          released = true;
          await rm(path, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const holder = Number.parseInt(await readFile(path, "utf8").catch(() => ""), 10);
    if (Number.isInteger(holder) && isRunning(holder)) {
      const who = holder === process.pid ? "this process" : `process ${holder}`;
      throw new Error(`data directory ${dataDir} is in use by ${who} (lock file ${path})`);
    }
    // Stale: its process is gone. Remove it and try once more.
    await rm(path, { force: true });
  }
  throw new Error(`could not lock data directory ${dataDir} (lock file ${path})`);
}
