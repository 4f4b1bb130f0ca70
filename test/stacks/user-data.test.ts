/**
 * @module
 * The boot script of an app instance: it is run by bash, so it is checked with `bash -n`, and its
 * secret handling is run for real against a stand-in `aws` command that prints a secret with the
 * characters URLs and shells care about.
 */
import { describe, expect, test } from "bun:test";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { boundedName } from "../../stacks/names";
import { userDataScript } from "../../stacks/user-data";

const SPEC = {
  service: "postgres-loader-enriched",
  region: "eu-west-1",
  release: { bucket: "furrow-ci-pipeline", key: "releases/furrow.tgz", etag: '"abc123"' },
  database: {
    secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-furrow-ci-pipeline-AbCdEf",
    host: "furrow-ci-pipeline.x.eu-west-1.rds.amazonaws.com",
    port: 5432,
    database: "furrow",
  },
  files: [{ path: "/etc/furrow/iglu-resolver.json", content: '{"a": "FURROW_EOF $HOME"}' }],
  args: ["postgres-loader", "--purpose", "enriched", "--stage", "ci"],
} as const;

describe("userDataScript", () => {
  test("is valid bash that installs the release and runs the app under systemd", async () => {
    const script = userDataScript(SPEC);
    const check = Bun.spawnSync(["bash", "-n"], { stdin: new TextEncoder().encode(script) });
    expect(check.stderr.toString()).toBe("");
    expect(check.exitCode).toBe(0);
    expect(script).toContain("aws s3 cp --region eu-west-1 s3://furrow-ci-pipeline/releases/furrow.tgz");
    expect(script).toContain(
      "ExecStart=/opt/furrow/node_modules/.bin/furrow postgres-loader --purpose enriched --stage ci",
    );
    expect(script).toContain("systemctl enable --now furrow-postgres-loader-enriched");
    // A file's content is written verbatim: its heredoc delimiter is not in it, and it is quoted.
    expect(script).toContain('<<\'FURROW_EOF_\'\n{"a": "FURROW_EOF $HOME"}\nFURROW_EOF_\n');
  });

  test("builds DATABASE_URL from the managed secret, URL-encoding the password", async () => {
    const dir = await mkdtemp(join(tmpdir(), "furrow-user-data-"));
    try {
      // Stand-ins for the AWS CLI (prints the secret RDS keeps) and a root-only env file.
      await writeFile(
        join(dir, "aws"),
        `#!/bin/bash\nprintf '%s' '{"username":"furrow","password":"p@ss:w/rd%!x"}'\n`,
      );
      await chmod(join(dir, "aws"), 0o755);
      const script = userDataScript(SPEC);
      const start = script.indexOf("secret=$(");
      const end = script.indexOf(">> /etc/furrow/env", start);
      const fragment = script.slice(start, end).replace("install -m 600 /dev/null /etc/furrow/env\n", "");
      const run = Bun.spawnSync(["bash", "-c", `set -euo pipefail\n${fragment}> ${join(dir, "env")}`], {
        env: { PATH: `${dir}:${process.env.PATH}` },
      });
      expect(run.stderr.toString()).toBe("");
      const env = await readFile(join(dir, "env"), "utf8");
      expect(env).toStartWith("DATABASE_URL=postgres://furrow:p%40ss%3Aw%2Frd%25");
      expect(env).toEndWith(
        "@furrow-ci-pipeline.x.eu-west-1.rds.amazonaws.com:5432/furrow?sslmode=require\n",
      );
      const url = new URL(env.trim().slice("DATABASE_URL=".length));
      expect(decodeURIComponent(url.password)).toBe("p@ss:w/rd%!x");
      expect(url.hostname).toBe("furrow-ci-pipeline.x.eu-west-1.rds.amazonaws.com");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("refuses values it could not embed safely", () => {
    expect(() => userDataScript({ ...SPEC, args: ["enrich", "--iglu-config", "/etc/a b.json"] })).toThrow(
      /argument '\/etc\/a b.json'/,
    );
    expect(() => userDataScript({ ...SPEC, region: "eu-west-1; rm -rf /" })).toThrow(/region/);
  });
});

describe("boundedName", () => {
  test("keeps names that fit and cuts longer ones with a hash of the whole", () => {
    expect(boundedName("furrow-prod-collector-lb", 32)).toBe("furrow-prod-collector-lb");
    const a = boundedName("furrow-a-very-long-stage-name-1-collector-lb", 32);
    const b = boundedName("furrow-a-very-long-stage-name-2-collector-lb", 32);
    expect(a.length).toBeLessThanOrEqual(32);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^furrow-a-very-long-stag-[0-9a-f]{8}$/);
  });
});
