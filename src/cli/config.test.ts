/** @module Tests of `furrow up`'s settings: defaults, precedence, paths and one-line errors. */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "./command.ts";
import { engineSettings, loadUpConfig, resolveUpConfig, type UpConfigSources } from "./config.ts";

const base: UpConfigSources = { flags: {}, env: {}, cwd: "/work/app" };
const file = (settings: unknown, path = "/etc/furrow/up.json") => ({ path, text: JSON.stringify(settings) });

/** The UsageError message `run` throws (fails if it throws anything else, or nothing). */
function usageError(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    const message = (e as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error("expected a UsageError");
}

describe("resolveUpConfig", () => {
  test("defaults: stage local, us-east-1, .furrow/data under the working directory, all embedded", () => {
    expect(resolveUpConfig(base)).toEqual({
      stage: "local",
      region: "us-east-1",
      dataDir: "/work/app/.furrow/data",
      kinesisEndpoint: undefined,
      dynamodbEndpoint: undefined,
      s3Endpoint: undefined,
      databaseUrl: undefined,
      host: "127.0.0.1",
      collectorPort: 9090,
      igluPort: 8081,
      igluApiKey: undefined,
      schemasDir: undefined,
      enrichmentsDir: undefined,
      progressSeconds: 5,
      s3MaxDelaySeconds: 10,
    });
  });

  test("a config file sets everything; its relative data dir is relative to the file", () => {
    const config = resolveUpConfig({
      ...base,
      file: file({
        stage: "dev",
        region: "eu-west-1",
        dataDir: "state",
        kinesisEndpoint: "http://127.0.0.1:4567",
        dynamodbEndpoint: "http://127.0.0.1:4568",
        s3Endpoint: "https://s3.example",
        databaseUrl: "postgresql://u:p@db:5432/furrow",
        collectorPort: 80,
        igluPort: "8080",
        igluApiKey: "48b267d7-cd2b-4f22-bae4-0f002008b5ad",
        schemas: "iglu",
        enrichments: "/srv/enrichments",
        progress: 0.5,
        s3MaxDelay: "1.5",
      }),
    });
    expect(config).toEqual({
      stage: "dev",
      region: "eu-west-1",
      dataDir: "/etc/furrow/state",
      kinesisEndpoint: "http://127.0.0.1:4567",
      dynamodbEndpoint: "http://127.0.0.1:4568",
      s3Endpoint: "https://s3.example",
      databaseUrl: "postgresql://u:p@db:5432/furrow",
      host: "127.0.0.1",
      collectorPort: 80,
      igluPort: 8080,
      igluApiKey: "48b267d7-cd2b-4f22-bae4-0f002008b5ad",
      schemasDir: "/etc/furrow/iglu",
      enrichmentsDir: "/srv/enrichments",
      progressSeconds: 0.5,
      s3MaxDelaySeconds: 1.5,
    });
    expect(engineSettings(config)).toEqual({
      dataDir: "/etc/furrow/state",
      kinesisEndpoint: "http://127.0.0.1:4567",
      dynamodbEndpoint: "http://127.0.0.1:4568",
      s3Endpoint: "https://s3.example",
      databaseUrl: "postgresql://u:p@db:5432/furrow",
    });
  });

  test("flags override the file; flag paths are relative to the working directory", () => {
    const config = resolveUpConfig({
      ...base,
      flags: { stage: "ci", "data-dir": "tmp/data", "kinesis-endpoint": "http://localhost:1" },
      file: file({ stage: "dev", dataDir: "state", kinesisEndpoint: "http://127.0.0.1:4567" }),
    });
    expect([config.stage, config.dataDir, config.kinesisEndpoint]).toEqual([
      "ci",
      "/work/app/tmp/data",
      "http://localhost:1",
    ]);
  });

  test("DATABASE_URL is the default database; the file and the flag win over it; empty means embedded", () => {
    const env = { DATABASE_URL: "postgres://env@127.0.0.1:5432/test" };
    expect(resolveUpConfig({ ...base, env }).databaseUrl).toBe(env.DATABASE_URL);
    expect(
      resolveUpConfig({ ...base, env, file: file({ databaseUrl: "postgres://file/db" }) }).databaseUrl,
    ).toBe("postgres://file/db");
    expect(
      resolveUpConfig({ ...base, env, flags: { "database-url": "postgres://flag/db" } }).databaseUrl,
    ).toBe("postgres://flag/db");
    expect(resolveUpConfig({ ...base, env, flags: { "database-url": "" } }).databaseUrl).toBeUndefined();
    expect(
      resolveUpConfig({ ...base, flags: { "s3-endpoint": "" }, file: file({ s3Endpoint: "http://x:1" }) })
        .s3Endpoint,
    ).toBeUndefined();
  });

  test("ports, folders, progress and the S3 delay from flags; --no-progress wins over --progress", () => {
    const config = resolveUpConfig({
      ...base,
      flags: {
        "collector-port": "0",
        "iglu-port": "0",
        schemas: "schemas",
        enrichments: "",
        progress: "2",
        "s3-max-delay": "0.3",
      },
      file: file({ schemas: "elsewhere", enrichments: "enrichments" }),
    });
    expect([config.collectorPort, config.igluPort, config.schemasDir, config.enrichmentsDir]).toEqual([
      0,
      0,
      "/work/app/schemas",
      undefined,
    ]);
    expect([config.progressSeconds, config.s3MaxDelaySeconds]).toEqual([2, 0.3]);
    const quiet = resolveUpConfig({ ...base, flags: { progress: "2", "no-progress": true } });
    expect(quiet.progressSeconds).toBe(0);
  });

  test("bad ports, durations and API keys are one line naming the flag or setting", () => {
    expect(usageError(() => resolveUpConfig({ ...base, flags: { "collector-port": "70000" } }))).toBe(
      "--collector-port: '70000' is not a port (0 to 65535, 0 picks a free one)",
    );
    expect(usageError(() => resolveUpConfig({ ...base, file: file({ igluPort: 1.5 }) }))).toBe(
      "config file /etc/furrow/up.json: setting 'igluPort': '1.5' is not a port (0 to 65535, 0 picks a free one)",
    );
    expect(usageError(() => resolveUpConfig({ ...base, flags: { progress: "-1" } }))).toBe(
      "--progress: '-1' is not a number of seconds from 0 to 86400",
    );
    expect(usageError(() => resolveUpConfig({ ...base, flags: { "s3-max-delay": "0" } }))).toBe(
      "--s3-max-delay: '0' is not a number of seconds from 0.05 to 86400",
    );
    expect(usageError(() => resolveUpConfig({ ...base, flags: { "iglu-api-key": "secret" } }))).toBe(
      "--iglu-api-key: 'secret' is not a lower-case UUID",
    );
    expect(usageError(() => resolveUpConfig({ ...base, file: file({ schemas: 3 }) }))).toBe(
      "config file /etc/furrow/up.json: setting 'schemas' must be a string",
    );
    expect(usageError(() => resolveUpConfig({ ...base, file: file({ progress: true }) }))).toBe(
      "config file /etc/furrow/up.json: setting 'progress' must be a number",
    );
  });

  test("every problem is one line naming the flag, the setting or the variable", () => {
    expect(usageError(() => resolveUpConfig({ ...base, flags: { stage: "Prod" } }))).toStartWith(
      "--stage: stage 'Prod'",
    );
    expect(usageError(() => resolveUpConfig({ ...base, file: file({ stage: "a_b" }) }))).toStartWith(
      "config file /etc/furrow/up.json: setting 'stage': stage 'a_b'",
    );
    expect(usageError(() => resolveUpConfig({ ...base, flags: { region: "mars" } }))).toBe(
      "--region: 'mars' is not an AWS region name like us-east-1",
    );
    expect(
      usageError(() => resolveUpConfig({ ...base, flags: { "kinesis-endpoint": "localhost:4567" } })),
    ).toBe("--kinesis-endpoint: 'localhost:4567' must start with http:// or https://");
    expect(usageError(() => resolveUpConfig({ ...base, flags: { "dynamodb-endpoint": "not a url" } }))).toBe(
      "--dynamodb-endpoint: 'not a url' is not a URL",
    );
    expect(usageError(() => resolveUpConfig({ ...base, env: { DATABASE_URL: "mysql://x/y" } }))).toBe(
      "DATABASE_URL: 'mysql://x/y' must start with postgres:// or postgresql://",
    );
    expect(usageError(() => resolveUpConfig({ ...base, flags: { "data-dir": " " } }))).toBe(
      "--data-dir: must not be empty",
    );
  });

  test("a config file must be a JSON object of known string settings", () => {
    const path = "/etc/furrow/up.json";
    expect(
      usageError(() => resolveUpConfig({ ...base, file: { path, text: "{stage: local}" } })),
    ).toStartWith(`config file ${path}: not valid JSON (`);
    expect(usageError(() => resolveUpConfig({ ...base, file: file(["local"]) }))).toBe(
      `config file ${path}: expected a JSON object of settings`,
    );
    expect(usageError(() => resolveUpConfig({ ...base, file: file({ data_dir: "x" }) }))).toStartWith(
      `config file ${path}: unknown setting 'data_dir' (known: stage, region, dataDir,`,
    );
    expect(usageError(() => resolveUpConfig({ ...base, file: file({ stage: 1 }) }))).toBe(
      `config file ${path}: setting 'stage' must be a string`,
    );
  });
});

describe("loadUpConfig", () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  test("reads the file named by --config relative to the working directory", async () => {
    const dir = await mkdtemp(join(tmpdir(), "furrow-config-"));
    dirs.push(dir);
    await writeFile(join(dir, "up.json"), JSON.stringify({ stage: "dev", dataDir: "d" }));
    const config = await loadUpConfig(["--config", "up.json", "--region", "eu-west-2"], {}, dir);
    expect([config.stage, config.region, config.dataDir]).toEqual(["dev", "eu-west-2", join(dir, "d")]);
  });

  test("an unreadable config file, an unknown flag or a stray argument is a UsageError", async () => {
    await expect(loadUpConfig(["--config", "/nonexistent/up.json"], {}, "/")).rejects.toThrow(
      "--config: cannot read /nonexistent/up.json (ENOENT)",
    );
    await expect(loadUpConfig(["--stages", "x"], {}, "/")).rejects.toBeInstanceOf(UsageError);
    await expect(loadUpConfig(["extra"], {}, "/")).rejects.toBeInstanceOf(UsageError);
  });
});
