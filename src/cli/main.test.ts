/**
 * @module
 * `furrow` as a process: a stop signal during start-up, while the commands are still loading, is
 * a clean stop (exit 0), not the default action's death by signal (143).
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const dir = await mkdtemp(join(tmpdir(), "furrow-main-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

test("SIGTERM while the commands load: the collector starts, stops cleanly and exits 0", async () => {
  // A preload plugin sends SIGTERM to the process at the moment the collector command's module is
  // loaded: deterministically inside the start-up window, without guessing a delay.
  const preload = join(dir, "sigterm-on-load.ts");
  await writeFile(
    preload,
    `import { plugin } from "bun";
plugin({
  name: "sigterm-while-loading",
  setup(build) {
    build.onLoad({ filter: /commands[\\\\/]collector\\.ts$/ }, async (args) => {
      process.kill(process.pid, "SIGTERM");
      return { contents: await Bun.file(args.path).text(), loader: "ts" };
    });
  },
});
`,
  );
  const config = join(dir, "collector.json");
  await writeFile(config, JSON.stringify({ preTerminationPeriod: 0 }));
  const child = Bun.spawn(
    [
      process.execPath,
      "--preload",
      preload,
      "src/cli/main.ts",
      "collector",
      "--sink",
      "stdout",
      "--interface",
      "127.0.0.1",
      "--port",
      "0",
      "--config",
      config,
    ],
    { cwd: repoRoot, stdin: "ignore", stdout: "ignore", stderr: "pipe" },
  );
  const stderr = await new Response(child.stderr).text();
  expect(await child.exited).toBe(0);
  expect(stderr).toContain("furrow collector: stopped");
});
