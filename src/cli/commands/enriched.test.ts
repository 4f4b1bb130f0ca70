import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type CommandIO, UsageError } from "../command.ts";
import { decodeEnrichedCommand } from "./enriched.ts";

const fixturePath = fileURLToPath(new URL("../../../fixtures/enriched/events.tsv", import.meta.url));
const fixtureText = readFileSync(fixturePath, "utf8");
const expectedJson = JSON.parse(
  readFileSync(new URL("../../../fixtures/enriched/events.json", import.meta.url), "utf8"),
) as unknown[];

/** A stream that delivers `chunks` as separate reads (to split lines and characters). */
function streamOf(...chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(typeof c === "string" ? encoder.encode(c) : c);
      controller.close();
    },
  });
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[], stdin = streamOf(), stopped = new Promise<void>(() => {})): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const io: CommandIO = {
    stdin,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    stopped,
  };
  const code = await decodeEnrichedCommand.run(argv, io);
  return { code, stdout, stderr };
}

const jsonLines = (text: string) =>
  text
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as unknown);

const emptyLine = "\t".repeat(130);

describe("furrow decode enriched", () => {
  test("is found at `decode enriched` and has help", () => {
    expect(decodeEnrichedCommand.path).toEqual(["decode", "enriched"]);
    expect(decodeEnrichedCommand.help).toContain("Usage: furrow decode enriched [FILE]");
    expect(decodeEnrichedCommand.summary.length).toBeGreaterThan(0);
  });

  test("prints one analytics-SDK JSON object per line of a file", async () => {
    const r = await run([fixturePath]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(jsonLines(r.stdout)).toEqual(expectedJson);
    expect(r.stdout.endsWith("\n")).toBe(true);
    expect(r.stdout.split("\n")).toHaveLength(expectedJson.length + 1);
  });

  test("reads standard input when FILE is absent or '-'", async () => {
    for (const argv of [[], ["-"]]) {
      const r = await run(argv, streamOf(fixtureText));
      expect(r).toMatchObject({ code: 0, stderr: "" });
      expect(jsonLines(r.stdout)).toEqual(expectedJson);
    }
  });

  test("copes with lines and characters split across reads, CRLF and blank lines", async () => {
    const line = fixtureText.split("\n")[4]!; // the Unicode sample
    const bytes = new TextEncoder().encode(`${line}\r\n\n${emptyLine}`);
    const cut = bytes.indexOf(0xe6); // inside the first multi-byte character of 日本語
    const r = await run(
      [],
      streamOf(bytes.slice(0, cut + 1), bytes.slice(cut + 1, cut + 2), bytes.slice(cut + 2)),
    );
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(jsonLines(r.stdout)).toEqual([expectedJson[4], {}]);
  });

  test("reports a bad line on stderr with its number and goes on", async () => {
    const cells = emptyLine.split("\t");
    cells[7] = "abc";
    const badInt = cells.join("\t");
    const input = [emptyLine, "not\tan\tevent", emptyLine, badInt, emptyLine].join("\n");
    const r = await run([], streamOf(input));
    expect(r.code).toBe(1);
    expect(jsonLines(r.stdout)).toEqual([{}, {}, {}]);
    expect(r.stderr.split("\n")).toEqual([
      "line 2: field-count: expected 131 tab-separated fields, found 3",
      `line 4: invalid-value: column 8 (txn_id, int) "abc": 'abc' is not an integer`,
      "",
    ]);
  });

  test("prints nothing for empty input", async () => {
    expect(await run([], streamOf())).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  test("stops when asked, even while waiting for input", async () => {
    let release = (): void => {};
    const stopped = new Promise<void>((resolve) => {
      release = resolve;
    });
    const encoder = new TextEncoder();
    const endless = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(`${emptyLine}\n`));
      },
    });
    const running = run([], endless, stopped);
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    const r = await running;
    expect(r).toMatchObject({ code: 0, stdout: "{}\n", stderr: "" });
  });

  test("--help prints the help", async () => {
    const r = await run(["--help"]);
    expect(r).toEqual({ code: 0, stdout: decodeEnrichedCommand.help, stderr: "" });
  });

  test("rejects unknown flags, extra arguments and missing files as usage errors", async () => {
    await expect(run(["--pretty"])).rejects.toBeInstanceOf(UsageError);
    await expect(run(["a.tsv", "b.tsv"])).rejects.toBeInstanceOf(UsageError);
    await expect(run(["/nonexistent/enriched.tsv"])).rejects.toThrow(
      "cannot read '/nonexistent/enriched.tsv'",
    );
  });
});
