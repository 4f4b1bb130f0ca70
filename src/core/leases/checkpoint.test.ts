/**
 * @module
 * Checkpoint ordering (KCL `ExtendedSequenceNumber.compareTo`), starting positions, and the
 * debounced checkpointer: only acknowledged progress is ever due, at most once per period.
 */
import { describe, expect, test } from "bun:test";
import {
  checkpointAt,
  compareCheckpoints,
  initialCheckpoint,
  SHARD_END,
  ShardCheckpointer,
  startingPositionFor,
  TRIM_HORIZON,
} from "./checkpoint.ts";
import { ManualClock } from "./clock.ts";

const SEQ_A = "49590338271490256608559692538361571095921575989136588802";
const SEQ_B = "49590338271490256608559692540361571095921575989136588802";

describe("compareCheckpoints", () => {
  test("AT_TIMESTAMP < TRIM_HORIZON < LATEST < sequence numbers < SHARD_END", () => {
    const ordered = [
      checkpointAt("AT_TIMESTAMP"),
      TRIM_HORIZON,
      checkpointAt("LATEST"),
      checkpointAt("7"),
      checkpointAt(SEQ_A),
      checkpointAt(SEQ_A, 1),
      checkpointAt(SEQ_B),
      SHARD_END,
    ];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        expect(Math.sign(compareCheckpoints(ordered[i]!, ordered[j]!))).toBe(Math.sign(i - j));
      }
    }
  });

  test("sequence numbers compare as 128-bit integers, not as strings", () => {
    expect(compareCheckpoints(checkpointAt("9"), checkpointAt("10"))).toBeLessThan(0);
  });

  test("a malformed checkpoint is refused", () => {
    expect(() => compareCheckpoints(checkpointAt("12a"), TRIM_HORIZON)).toThrow(RangeError);
  });
});

describe("startingPositionFor", () => {
  const at = new Date("2024-05-01T00:00:00Z");
  test("sentinels start at the initial position; a sequence number resumes after it", () => {
    expect(startingPositionFor(TRIM_HORIZON, { type: "LATEST" })).toEqual({ type: "TRIM_HORIZON" });
    expect(startingPositionFor(checkpointAt("LATEST"), { type: "TRIM_HORIZON" })).toEqual({ type: "LATEST" });
    expect(
      startingPositionFor(checkpointAt("AT_TIMESTAMP"), { type: "AT_TIMESTAMP", timestamp: at }),
    ).toEqual({
      type: "AT_TIMESTAMP",
      timestamp: at,
    });
    expect(startingPositionFor(checkpointAt(SEQ_A), { type: "LATEST" })).toEqual({
      type: "AFTER_SEQUENCE_NUMBER",
      sequenceNumber: SEQ_A,
    });
    expect(startingPositionFor(SHARD_END, { type: "TRIM_HORIZON" })).toBeNull();
  });

  test("an AT_TIMESTAMP lease without a configured timestamp reads from TRIM_HORIZON, skipping nothing", () => {
    expect(startingPositionFor(checkpointAt("AT_TIMESTAMP"), { type: "LATEST" })).toEqual({
      type: "TRIM_HORIZON",
    });
  });

  test("initialCheckpoint is the position's sentinel", () => {
    expect(initialCheckpoint({ type: "AT_TIMESTAMP", timestamp: at })).toEqual(checkpointAt("AT_TIMESTAMP"));
  });
});

describe("ShardCheckpointer", () => {
  test("nothing is due before something is acknowledged", () => {
    const clock = new ManualClock(1_000);
    const c = new ShardCheckpointer(TRIM_HORIZON, 500, clock.now);
    expect(c.due()).toBeNull();
    expect(c.pending()).toBeNull();
  });

  test("the first acknowledgement is due at once, later ones once per debounce period", () => {
    const clock = new ManualClock(1_000);
    const c = new ShardCheckpointer(TRIM_HORIZON, 500, clock.now);
    c.acknowledge(checkpointAt("10"));
    expect(c.due()).toEqual(checkpointAt("10"));
    c.written(checkpointAt("10"));
    c.acknowledge(checkpointAt("20"));
    clock.advance(499);
    expect(c.due()).toBeNull();
    expect(c.pending()).toEqual(checkpointAt("20"));
    clock.advance(1);
    expect(c.due()).toEqual(checkpointAt("20"));
  });

  test("a flush writes only what was acknowledged, never past it", () => {
    const clock = new ManualClock();
    const c = new ShardCheckpointer(checkpointAt("5"), 10_000, clock.now);
    c.acknowledge(checkpointAt("8"));
    c.written(checkpointAt("8"));
    c.acknowledge(checkpointAt("9"));
    expect(c.pending()).toEqual(checkpointAt("9"));
    expect(c.lastWritten).toEqual(checkpointAt("8"));
  });

  test("acknowledgements must move forward", () => {
    const c = new ShardCheckpointer(checkpointAt("5"), 0, new ManualClock().now);
    expect(() => c.acknowledge(checkpointAt("4"))).toThrow(RangeError);
  });

  test("after SHARD_END is written nothing is pending", () => {
    const c = new ShardCheckpointer(TRIM_HORIZON, 0, new ManualClock().now);
    c.acknowledge(checkpointAt("30"));
    c.written(SHARD_END);
    expect(c.pending()).toBeNull();
  });
});
