/** @module Tests of polling with backoff: it returns once the check holds, and gives up on time. */
import { expect, test } from "bun:test";
import { pollUntil } from "./poll-until.ts";

test("returns as soon as the check holds", async () => {
  let calls = 0;
  await pollUntil(async () => ++calls === 3, { what: "three calls" });
  expect(calls).toBe(3);
});

test("throws naming what it waited for once the timeout has passed", async () => {
  const started = Date.now();
  await expect(pollUntil(async () => false, { what: "Godot", timeoutMs: 120 })).rejects.toThrow(
    "timed out waiting for Godot",
  );
  expect(Date.now() - started).toBeLessThan(1_000);
});

test("a failing check propagates its error", async () => {
  await expect(
    pollUntil(
      async () => {
        throw new Error("lost the endpoint");
      },
      { what: "x" },
    ),
  ).rejects.toThrow("lost the endpoint");
});
