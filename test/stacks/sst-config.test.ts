/**
 * @module
 * `sst.config.ts` itself, run as the SST CLI runs it: `$config` is given the app and run functions,
 * `run()` is called inside a Pulumi program of the stage (under mocks), and its return value is the
 * stack's outputs. Under `sst dev` it deploys nothing and runs `furrow up` for the stage instead.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { buildUnderMocks, ofType } from "./pulumi-mocks";

interface Config {
  app(input: { stage: string }): { name: string; removal: string; protect: boolean; home: string };
  run(): Promise<Record<string, unknown>>;
}

const g = globalThis as Record<string, unknown>;

/** Loads sst.config.ts with `$config` as the CLI defines it: the identity on the config. */
async function loadConfig(): Promise<Config> {
  g.$config = (config: Config) => config;
  return (await import("../../sst.config.ts")).default as unknown as Config;
}

describe("sst.config.ts", () => {
  afterEach(() => {
    g.$dev = false;
  });

  test("production keeps its resources; other stages remove theirs", async () => {
    const config = await loadConfig();
    expect(config.app({ stage: "production" })).toEqual({
      name: "furrow",
      removal: "retain",
      protect: true,
      home: "aws",
    });
    expect(config.app({ stage: "ci" })).toMatchObject({ removal: "remove", protect: false });
  });

  test("run() builds the whole stage and returns where its parts are", async () => {
    const config = await loadConfig();
    const { resources, result } = await buildUnderMocks("ci", () => config.run());
    expect(ofType(resources, "aws:autoscaling/group:Group")).toHaveLength(8);
    expect(ofType(resources, "aws:kinesis/stream:Stream")).toHaveLength(4);
    const outputs = await new Promise<Record<string, unknown>>((resolve) => {
      const pulumi = g.$util as typeof import("@pulumi/pulumi");
      pulumi.output(result).apply((r) => resolve(r as Record<string, unknown>));
    });
    expect(outputs).toMatchObject({
      "stream-raw": "furrow-ci-raw-stream",
      bucket: "furrow-ci-pipeline",
      collector: "http://furrow-ci-collector-lb-1234567890.eu-west-1.elb.amazonaws.com",
      iglu: "http://furrow-ci-iglu-lb-1234567890.eu-west-1.elb.amazonaws.com/api",
    });
  });

  test("under sst dev it deploys nothing and runs furrow up for the stage", async () => {
    const config = await loadConfig();
    const commands: { name: string; args: { dev: { command: string; autostart: boolean } } }[] = [];
    g.sst = {
      x: {
        DevCommand: class {
          constructor(name: string, args: { dev: { command: string; autostart: boolean } }) {
            commands.push({ name, args });
          }
        },
      },
    };
    const { resources } = await buildUnderMocks("alice", () => {
      g.$dev = true;
      return config.run();
    });
    expect(resources.filter((r) => r.type.startsWith("aws:"))).toEqual([]);
    expect(commands).toHaveLength(1);
    expect(commands[0]?.args.dev.command).toBe(
      "node bin/furrow.cjs up --stage alice --data-dir .furrow/dev-alice",
    );
    expect(commands[0]?.args.dev.autostart).toBe(true);
  });
});
