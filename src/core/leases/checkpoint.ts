/**
 * @module
 * Checkpoint rules. A checkpoint only ever moves forward, and only to a record whose batch the
 * handler acknowledged (every downstream sink wrote it): Snowplow lost data when enrich checkpointed
 * before writing (snowplow/snowplow#1418). Writes are debounced, as Snowplow's common-streams
 * `KinesisCheckpointer` debounces them (`debounceCheckpoints`), and flushed on shutdown.
 *
 * Ordering is KCL's `ExtendedSequenceNumber.compareTo`: AT_TIMESTAMP < TRIM_HORIZON < LATEST < any
 * sequence number < SHARD_END; equal sequence numbers compare by sub-sequence number.
 */
import type { Checkpoint, SentinelCheckpoint } from "../../ports/lease-store.ts";
import type { InitialPosition, StartingPosition } from "../../ports/shard-reader.ts";
import type { Clock } from "./clock.ts";

const DIGITS = /^\d+$/;

/** A checkpoint at sequence number (or sentinel) `sequenceNumber`. */
export const checkpointAt = (sequenceNumber: string, subSequenceNumber = 0): Checkpoint => ({
  sequenceNumber,
  subSequenceNumber,
});

export const SHARD_END: Checkpoint = checkpointAt("SHARD_END");
export const TRIM_HORIZON: Checkpoint = checkpointAt("TRIM_HORIZON");

export const isShardEnd = (c: Checkpoint): boolean => c.sequenceNumber === "SHARD_END";

/** The sentinel a new lease starts at for `initial` (KCL `InitialPositionInStreamExtended`). */
export function initialCheckpoint(initial: InitialPosition): Checkpoint {
  return checkpointAt(initial.type satisfies SentinelCheckpoint);
}

/** KCL's big-integer values of the sentinels below every sequence number. */
const SENTINEL_RANK: Readonly<Record<string, bigint>> = {
  AT_TIMESTAMP: -3n,
  TRIM_HORIZON: -2n,
  LATEST: -1n,
};

function rank(sequenceNumber: string): bigint {
  if (DIGITS.test(sequenceNumber)) return BigInt(sequenceNumber);
  const sentinel = SENTINEL_RANK[sequenceNumber];
  if (sentinel === undefined) throw new RangeError(`not a sequence number or sentinel: ${sequenceNumber}`);
  return sentinel;
}

/** Negative, zero or positive as `a` is before, at or after `b`. Throws for a malformed checkpoint. */
export function compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
  const aEnd = isShardEnd(a);
  const bEnd = isShardEnd(b);
  if (aEnd || bEnd) return aEnd === bEnd ? 0 : aEnd ? 1 : -1;
  const ra = rank(a.sequenceNumber);
  const rb = rank(b.sequenceNumber);
  if (ra !== rb) return ra < rb ? -1 : 1;
  return Math.sign(a.subSequenceNumber - b.subSequenceNumber);
}

/**
 * Where to read a shard whose lease is at `checkpoint`: after the checkpointed record, or at the
 * initial position for a sentinel. Null at SHARD_END: nothing is left to read. A lease at
 * AT_TIMESTAMP takes its timestamp from the consumer's configuration, as in KCL; if that is not
 * AT_TIMESTAMP the shard is read from TRIM_HORIZON, so no record is skipped.
 */
export function startingPositionFor(
  checkpoint: Checkpoint,
  initial: InitialPosition,
): StartingPosition | null {
  switch (checkpoint.sequenceNumber) {
    case "SHARD_END":
      return null;
    case "TRIM_HORIZON":
      return { type: "TRIM_HORIZON" };
    case "LATEST":
      return { type: "LATEST" };
    case "AT_TIMESTAMP":
      return initial.type === "AT_TIMESTAMP" ? initial : { type: "TRIM_HORIZON" };
    default:
      // Without KPL aggregation a record is whole, so reading resumes after it. (KCL reads
      // AT_SEQUENCE_NUMBER and drops sub-records up to the checkpoint; without aggregates that is the same.)
      rank(checkpoint.sequenceNumber);
      return { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: checkpoint.sequenceNumber };
  }
}

/**
 * One shard's checkpoint state while it is processed: what is written, what the handler has
 * acknowledged since, and when the next write is allowed. It decides; the caller writes.
 *
 * @example
 * const checkpointer = new ShardCheckpointer(lease.checkpoint, 10_000, clock);
 * checkpointer.acknowledge(checkpointAt(lastRecord.sequenceNumber));
 * const due = checkpointer.due(); // null within 10 s of the last write
 * if (due && (await write(due))) checkpointer.written(due);
 */
export class ShardCheckpointer {
  #written: Checkpoint;
  #acknowledged: Checkpoint;
  #lastWriteAt = Number.NEGATIVE_INFINITY;

  constructor(
    start: Checkpoint,
    private readonly debounceMs: number,
    private readonly clock: Clock,
  ) {
    this.#written = start;
    this.#acknowledged = start;
  }

  /** The checkpoint last written (or the lease's at start). */
  get lastWritten(): Checkpoint {
    return this.#written;
  }

  /** The furthest acknowledged record. */
  get acknowledged(): Checkpoint {
    return this.#acknowledged;
  }

  /**
   * Records that every record up to and including `checkpoint` was handled. Throws if it moves
   * backwards: batches of a shard are acknowledged in order, so that would be a bug.
   */
  acknowledge(checkpoint: Checkpoint): void {
    if (compareCheckpoints(checkpoint, this.#acknowledged) < 0) {
      throw new RangeError(
        `checkpoint ${checkpoint.sequenceNumber} is before the acknowledged ${this.#acknowledged.sequenceNumber}`,
      );
    }
    this.#acknowledged = checkpoint;
  }

  /** What to write now, if anything: acknowledged progress, once the debounce period has passed. */
  due(): Checkpoint | null {
    if (this.clock() - this.#lastWriteAt < this.debounceMs) return null;
    return this.pending();
  }

  /** Acknowledged progress not yet written, regardless of the debounce (to flush on shutdown). */
  pending(): Checkpoint | null {
    return compareCheckpoints(this.#acknowledged, this.#written) > 0 ? this.#acknowledged : null;
  }

  /** Records a successful write of `checkpoint`. */
  written(checkpoint: Checkpoint): void {
    if (compareCheckpoints(checkpoint, this.#written) > 0) this.#written = checkpoint;
    this.#lastWriteAt = this.clock();
  }
}
