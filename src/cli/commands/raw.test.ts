/** @module Tests for `furrow decode raw` and `furrow encode raw`, in-process and as a real subprocess. */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sharedDir, sharedMissing } from "../../../test/support/shared.ts";
import { decodeBase64 } from "../../core/thrift/base64.ts";
import { COLLECTOR_PAYLOAD_FIELDS, type CollectorPayload } from "../../core/thrift/collector-payload.ts";
import {
  parseFixture,
  parseThriftVectors,
  type ThriftVector,
} from "../../core/thrift/thrift-vectors.test-support.ts";
import { type Command, type CommandIO, UsageError } from "../command.ts";
import { collectorPayloadFromJson, decodeRawCommand, encodeRawCommand } from "./raw.ts";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const fixturesDir = join(repoRoot, "fixtures/thrift");
const fixtures = readdirSync(fixturesDir)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => {
    const name = f.slice(0, -".json".length);
    return {
      name,
      payload: parseFixture(readFileSync(join(fixturesDir, f), "utf8")),
      base64: readFileSync(join(fixturesDir, `${name}.b64`), "utf8").trim(),
    };
  });
/** The reference vectors, read once; without ../shared the tests using them skip, and this says why. */
const vectors = ((): ThriftVector[] => {
  if (sharedDir)
    return parseThriftVectors(readFileSync(join(sharedDir, "reference/thrift-vectors.md"), "utf8"));
  sharedMissing("decode/encode raw on the reference vectors");
  return [];
})();
const fixtureBase64 = fixtures.map((f) => `${f.base64}\n`).join("");
const fixtureJson = fixtures.map((f) => `${JSON.stringify(f.payload)}\n`).join("");
const fixtureBinary = concat(fixtures.map((f) => bytesOf(f.base64)));

const scratch = mkdtempSync(join(tmpdir(), "furrow-raw-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function bytesOf(b64: string): Uint8Array {
  const r = decodeBase64(b64);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** Runs a command in-process on `stdin`, collecting what it writes. */
async function run(
  command: Command,
  argv: string[],
  stdin: string | Uint8Array | ReadableStream<Uint8Array> = "",
  stopped: Promise<void> = new Promise(() => {}),
): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CommandIO = {
    stdin: stdin instanceof ReadableStream ? stdin : new Blob([stdin as BlobPart]).stream(),
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    stopped,
  };
  const code = await command.run(argv, io);
  return { code, out, err };
}

const jsonLines = (out: string) =>
  out
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as CollectorPayload);

describe("furrow decode raw", () => {
  test("prints each base64 line as JSON with the IDL's names, in the IDL's order", async () => {
    const { code, out, err } = await run(decodeRawCommand, [], fixtureBase64);
    expect({ code, err }).toEqual({ code: 0, err: "" });
    expect(jsonLines(out)).toEqual(fixtures.map((f) => f.payload));
    const order = COLLECTOR_PAYLOAD_FIELDS.map((f) => f.name as string);
    for (const line of out.trimEnd().split("\n")) {
      const keys = Object.keys(JSON.parse(line));
      expect(keys).toEqual(order.filter((k) => keys.includes(k)));
    }
  });

  test("reads a FILE, or stdin for '-', and accepts unpadded and URL-safe base64 and CRLF", async () => {
    const variant = fixtures
      .map((f) => `${f.base64.replace(/=+$/, "").replaceAll("+", "-").replaceAll("/", "_")}\r\n`)
      .join("\r\n");
    const file = join(scratch, "records.b64");
    writeFileSync(file, variant);
    for (const [argv, stdin] of [
      [[file], ""],
      [["-"], variant],
      [["--format", "base64", file], ""],
    ] as const) {
      const { code, out } = await run(decodeRawCommand, [...argv], stdin);
      expect(code).toBe(0);
      expect(jsonLines(out)).toEqual(fixtures.map((f) => f.payload));
    }
  });

  test("reports a bad line with its number and goes on; exit code 1", async () => {
    const input = [
      "CgDIAAAAAAAAAAAA",
      "not base64!",
      "",
      "CgDIAAAA",
      "CgDIAAAAAAAAAAAAAA",
      fixtures[0]!.base64,
    ].join("\n");
    const { code, out, err } = await run(decodeRawCommand, [], input);
    expect(code).toBe(1);
    expect(jsonLines(out)).toEqual([{ timestamp: 0 }, fixtures[0]!.payload]);
    expect(err.trimEnd().split("\n")).toEqual([
      `line 2: not base64: invalid base64 character " " at position 3`,
      "line 4: the timestamp at byte 3 needs 8 bytes but the 6-byte input has 3 left (truncated)",
      "line 5: the struct ends at byte 12, followed by 1 more byte (trailing-bytes)",
    ]);
  });

  test("reads a binary file of concatenated records, detected or named", async () => {
    const file = join(scratch, "records.bin");
    writeFileSync(file, fixtureBinary);
    for (const [argv, stdin] of [
      [[file], ""],
      [["--format", "binary"], fixtureBinary],
      [[], fixtureBinary],
    ] as const) {
      const { code, out, err } = await run(decodeRawCommand, [...argv], stdin);
      expect({ code, err }).toEqual({ code: 0, err: "" });
      expect(jsonLines(out)).toEqual(fixtures.map((f) => f.payload));
    }
  });

  test("stops at a bad binary record, naming its number and byte offset", async () => {
    const first = bytesOf(fixtures[0]!.base64);
    const { code, out, err } = await run(decodeRawCommand, [], fixtureBinary.subarray(0, first.length + 40));
    expect(code).toBe(1);
    expect(jsonLines(out)).toEqual([fixtures[0]!.payload]);
    expect(err).toStartWith(`record 2 at byte ${first.length}: `);
    expect(err).toEndWith("; stopping here\n");
  });

  test("empty input prints nothing and succeeds", async () => {
    expect(await run(decodeRawCommand, [], "")).toEqual({ code: 0, out: "", err: "" });
  });

  test("returns when asked to stop, even while stdin stays open", async () => {
    for (const argv of [["--format", "base64"], []]) {
      let stop!: () => void;
      const stopped = new Promise<void>((resolve) => {
        stop = resolve;
      });
      const stdin = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(`${fixtures[0]!.base64}\n`));
          setTimeout(stop, 20);
        },
      });
      const { code, out } = await run(decodeRawCommand, argv, stdin, stopped);
      expect(code).toBe(0);
      expect(jsonLines(out)).toEqual([fixtures[0]!.payload]);
    }
  });

  test("usage errors: an unknown format, two files, a missing file, an unknown flag", async () => {
    await expect(run(decodeRawCommand, ["--format", "xml"])).rejects.toThrow(
      new UsageError("--format must be one of auto, base64, binary, got 'xml'"),
    );
    await expect(run(decodeRawCommand, ["a", "b"])).rejects.toThrow("expects at most one FILE, got 2");
    await expect(run(decodeRawCommand, [join(scratch, "absent")])).rejects.toThrow(
      /cannot read .*absent.*no such file/,
    );
    await expect(run(decodeRawCommand, ["--bogus"])).rejects.toBeInstanceOf(UsageError);
  });

  test("has help naming its formats and exit codes", () => {
    expect(decodeRawCommand.path).toEqual(["decode", "raw"]);
    expect(decodeRawCommand.help).toStartWith(
      "Usage: furrow decode raw [FILE] [--format auto|base64|binary]",
    );
    for (const word of ["base64", "binary", "auto", "Exit status", "networkUserId (string)"]) {
      expect(decodeRawCommand.help).toContain(word);
    }
  });
});

describe("furrow encode raw", () => {
  test("writes each JSON line as padded base64, byte for byte the fixtures", async () => {
    const { code, out, err } = await run(encodeRawCommand, [], fixtureJson);
    expect({ code, err }).toEqual({ code: 0, err: "" });
    expect(out).toBe(fixtureBase64);
  });

  test("round-trips what decode raw prints", async () => {
    const decoded = await run(decodeRawCommand, [], fixtureBase64);
    const encoded = await run(encodeRawCommand, [], decoded.out);
    expect(encoded.out).toBe(fixtureBase64);
  });

  test("reports each bad line clearly and goes on; exit code 1", async () => {
    const input = [
      '{"timestamp":"x","foo":1}',
      "[1]",
      "{bad",
      '{"headers":["a",1],"path":"/i","timestamp":1.5}',
      "",
      '{"path":"/i"}',
      "null",
    ].join("\n");
    const { code, out, err } = await run(encodeRawCommand, [], input);
    expect(code).toBe(1);
    expect(out).toBe("CgDIAAAAAAAAAAALAUAAAAACL2kA\n");
    const lines = err.trimEnd().split("\n");
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe(`line 1: timestamp must be a safe integer, got "x"; unknown field 'foo'`);
    expect(lines[1]).toBe("line 2: expected a JSON object, got an array");
    expect(lines[2]).toStartWith("line 3: invalid JSON: ");
    expect(lines[3]).toBe(
      `line 4: headers must be an array of strings, got ["a",1]; timestamp must be a safe integer, got 1.5`,
    );
    expect(lines[4]).toBe("line 7: expected a JSON object, got null");
  });

  test("--format binary writes concatenated records to --output, which decode raw reads back", async () => {
    const file = join(scratch, "encoded.bin");
    const { code, out } = await run(encodeRawCommand, ["--format", "binary", "-o", file], fixtureJson);
    expect({ code, out }).toEqual({ code: 0, out: "" });
    const written: Uint8Array = new Uint8Array(readFileSync(file));
    expect(written).toEqual(fixtureBinary);
    expect(jsonLines((await run(decodeRawCommand, [file])).out)).toEqual(fixtures.map((f) => f.payload));
  });

  test("--output also takes base64, and FILE replaces stdin", async () => {
    const input = join(scratch, "in.json");
    const output = join(scratch, "out.b64");
    writeFileSync(input, fixtureJson);
    expect((await run(encodeRawCommand, [input, "--output", output])).code).toBe(0);
    expect(readFileSync(output, "utf8")).toBe(fixtureBase64);
  });

  test("usage errors: binary to stdout, an unknown format", async () => {
    await expect(run(encodeRawCommand, ["--format", "binary"])).rejects.toThrow(
      "--format binary needs --output FILE",
    );
    await expect(run(encodeRawCommand, ["--format", "auto"])).rejects.toThrow(
      "--format must be one of base64, binary, got 'auto'",
    );
  });

  test("checks JSON values against the IDL's types", () => {
    expect(collectorPayloadFromJson({ path: "/i", headers: [] })).toEqual({
      ok: true,
      value: { timestamp: 0, path: "/i", headers: [] },
    });
    expect(collectorPayloadFromJson({ schema: 5 })).toEqual({
      ok: false,
      error: "schema must be a string, got 5",
    });
    expect(collectorPayloadFromJson("x")).toEqual({ ok: false, error: "expected a JSON object, got string" });
  });

  test("has help naming its formats and --output", () => {
    expect(encodeRawCommand.path).toEqual(["encode", "raw"]);
    for (const word of ["base64", "binary", "--output", "Exit status"])
      expect(encodeRawCommand.help).toContain(word);
  });
});

describe("the reference vectors (../shared/reference/thrift-vectors.md)", () => {
  test.skipIf(!sharedDir)(
    "decode raw prints their documented values; encode raw gives back their bytes",
    async () => {
      expect(vectors.length).toBe(2);
      const decoded = await run(decodeRawCommand, [], vectors.map((v) => `${v.base64}\n`).join(""));
      expect(decoded.code).toBe(0);
      expect(jsonLines(decoded.out)).toEqual(vectors.map((v) => v.expected));
      const encoded = await run(encodeRawCommand, [], decoded.out);
      expect(encoded.out).toBe(vectors.map((v) => `${v.base64}\n`).join(""));
    },
  );
});

describe("the real CLI, as a subprocess", () => {
  async function furrow(args: string[], stdin?: string): Promise<{ code: number; out: string; err: string }> {
    const proc = Bun.spawn([process.execPath, "src/cli/main.ts", ...args], {
      cwd: repoRoot,
      stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin),
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    return { code, out, err };
  }

  test("decode raw FILE and encode raw from stdin round-trip the fixtures", async () => {
    const file = join(scratch, "cli.b64");
    writeFileSync(file, fixtureBase64);
    const decoded = await furrow(["decode", "raw", file]);
    expect({ code: decoded.code, err: decoded.err }).toEqual({ code: 0, err: "" });
    expect(jsonLines(decoded.out)).toEqual(fixtures.map((f) => f.payload));
    const encoded = await furrow(["encode", "raw"], decoded.out);
    expect({ code: encoded.code, out: encoded.out }).toEqual({ code: 0, out: fixtureBase64 });
  }, 30_000);

  test.skipIf(!sharedDir)(
    "decode raw prints the vectors' documented values",
    async () => {
      const file = join(scratch, "vectors.b64");
      writeFileSync(file, vectors.map((v) => `${v.base64}\n`).join(""));
      const decoded = await furrow(["decode", "raw", file]);
      expect(decoded.code).toBe(0);
      expect(jsonLines(decoded.out)).toEqual(vectors.map((v) => v.expected));
      const encoded = await furrow(["encode", "raw"], decoded.out);
      expect(encoded.out).toBe(vectors.map((v) => `${v.base64}\n`).join(""));
    },
    30_000,
  );

  test("a bad line gives exit code 1 and one stderr line; --help exits 0", async () => {
    const bad = await furrow(["decode", "raw"], `${fixtures[0]!.base64}\nAAAA\n`);
    expect(bad.code).toBe(1);
    expect(bad.err).toBe("line 2: the struct ends at byte 1, followed by 2 more bytes (trailing-bytes)\n");
    const help = await furrow(["encode", "raw", "--help"]);
    expect({ code: help.code, head: help.out.split("\n")[0] }).toEqual({
      code: 0,
      head: "Usage: furrow encode raw [FILE] [--format base64|binary] [--output OUT]",
    });
  }, 30_000);
});
