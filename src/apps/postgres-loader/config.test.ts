import { describe, expect, test } from "bun:test";
import { postgresLoaderConfig } from "./config.ts";

const url = "postgres://postgres@127.0.0.1:5432/furrow";

describe("postgresLoaderConfig", () => {
  test("enriched purpose: the topology's enriched stream, lease table, atomic schema and bad-1", () => {
    const config = postgresLoaderConfig({ databaseUrl: url, igluConfig: "resolver.json" });
    expect(config).toEqual({
      ok: true,
      value: {
        purpose: "enriched",
        database: { url, schema: "atomic", maxConnections: 4 },
        igluConfig: "resolver.json",
        input: {
          kind: "stream",
          streamName: "furrow-local-enriched-stream",
          appName: "furrow-local-postgres-loader-enriched",
          initialPosition: { type: "TRIM_HORIZON" },
          kinesis: { region: "us-east-1", endpoint: undefined },
          dynamodb: { region: "us-east-1", endpoint: undefined },
        },
        failures: {
          kind: "stream",
          streamName: "furrow-local-bad-1-stream",
          kinesis: { region: "us-east-1", endpoint: undefined },
        },
      },
    });
  });

  test("bad purpose: bad-1 into atomic_bad, failures to bad-2, no resolver needed", () => {
    const config = postgresLoaderConfig(
      { purpose: "bad", databaseUrl: url, stage: "prod" },
      { awsRegion: "eu-west-1" },
    );
    if (!config.ok) throw new Error(config.error.join("; "));
    expect(config.value.database.schema).toBe("atomic_bad");
    expect(config.value.input).toMatchObject({
      kind: "stream",
      streamName: "furrow-prod-bad-1-stream",
      appName: "furrow-prod-postgres-loader-bad",
      kinesis: { region: "eu-west-1" },
    });
    expect(config.value.failures).toMatchObject({ streamName: "furrow-prod-bad-2-stream" });
  });

  test("file mode: --from with a batch size, bad rows to --bad or standard error", () => {
    const config = postgresLoaderConfig({
      databaseUrl: url,
      igluConfig: "r.json",
      from: "events.tsv",
      batchSize: "250",
      bad: "bad.jsonl",
      schema: "atomic_test",
    });
    if (!config.ok) throw new Error(config.error.join("; "));
    expect(config.value.input).toEqual({ kind: "file", path: "events.tsv", batchSize: 250 });
    expect(config.value.failures).toEqual({ kind: "lines", path: "bad.jsonl" });
    expect(config.value.database.schema).toBe("atomic_test");
  });

  test("the database URL may come from the environment", () => {
    const config = postgresLoaderConfig({ igluConfig: "r.json", from: "-" }, { databaseUrl: url });
    expect(config.ok && config.value.database.url).toBe(url);
  });

  test("every problem is reported, one line each", () => {
    const config = postgresLoaderConfig({
      purpose: "good",
      schema: "Atomic",
      maxConnections: "0",
      stage: "Bad Stage",
      kinesisEndpoint: "localhost:4567",
      bad: "x",
      batchSize: "10",
    });
    expect(config.ok).toBe(false);
    if (config.ok) return;
    expect(config.error).toEqual([
      "--purpose must be enriched or bad, got 'good'",
      "--database-url is required (postgres://user@host:port/database)",
      "--stage: stage 'Bad Stage' must be 1–24 lowercase letters, digits or inner hyphens, starting with a letter",
      "--schema 'Atomic' must be a lowercase Postgres identifier",
      "--max-connections must be an integer from 1 to 100",
      "--kinesis-endpoint: 'localhost:4567' must start with http:// or https://",
      "--bad is for --from; use --failures-stream",
      "--batch-size is for --from (a stream batch is what GetRecords returns)",
    ]);
  });

  test("enriched events need a resolver; stream flags need a stream", () => {
    const config = postgresLoaderConfig({
      databaseUrl: url,
      from: "x",
      appName: "a",
      initialPosition: "LATEST",
    });
    expect(config).toEqual({
      ok: false,
      error: [
        "--iglu-config is required to load enriched events (tables come from their Iglu schemas)",
        "--app-name needs --stream",
        "--initial-position needs --stream",
      ],
    });
    expect(postgresLoaderConfig({ databaseUrl: url, igluConfig: "r", from: "x", stream: "s" })).toEqual({
      ok: false,
      error: ["give either --from FILE or --stream NAME, not both"],
    });
    expect(
      postgresLoaderConfig({ databaseUrl: "mysql://x", igluConfig: "r", initialPosition: "EARLIEST" }),
    ).toEqual({
      ok: false,
      error: [
        "--database-url must be a postgres:// URL",
        "--initial-position must be TRIM_HORIZON or LATEST, got 'EARLIEST'",
      ],
    });
  });
});
