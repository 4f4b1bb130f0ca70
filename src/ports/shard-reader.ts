/**
 * @module
 * The shard reader port: the shards of one stream, with their lineage, and their records by
 * polling. Adapter: Kinesis GetRecords (`adapters/kinesis/shard-reader.ts`), which also works
 * against kinesalite. The stream consumer builds on it; apps never call it directly.
 */
import type { HashKeyRange } from "./lease-store.ts";

/** One shard as ListShards describes it. */
export interface Shard {
  readonly shardId: string;
  /** `ParentShardId` and, for a merge, `AdjacentParentShardId`; empty for a shard of the original stream. */
  readonly parentShardIds: readonly string[];
  readonly hashKeyRange: HashKeyRange;
  /** Set once the shard is closed by a split or merge: nothing is written to it afterwards. */
  readonly endingSequenceNumber: string | null;
}

/** Where a consumer starts a shard that has no checkpoint yet (KCL `InitialPositionInStream`). */
export type InitialPosition =
  | { readonly type: "TRIM_HORIZON" }
  | { readonly type: "LATEST" }
  | { readonly type: "AT_TIMESTAMP"; readonly timestamp: Date };

/** A GetShardIterator position. */
export type StartingPosition =
  | InitialPosition
  | { readonly type: "AT_SEQUENCE_NUMBER"; readonly sequenceNumber: string }
  | { readonly type: "AFTER_SEQUENCE_NUMBER"; readonly sequenceNumber: string };

/** A record as read from a shard. */
export interface ShardRecord {
  readonly data: Uint8Array;
  readonly partitionKey: string;
  readonly sequenceNumber: string;
  /** Only for records taken out of a KPL aggregate. */
  readonly subSequenceNumber?: number;
  readonly approximateArrivalTimestamp: Date;
}

/**
 * A position in one shard to read from. Plain data: `position` says where `token` (the Kinesis
 * iterator) points, so an adapter can ask for a fresh iterator when the token expires.
 */
export interface ShardIterator {
  readonly shardId: string;
  readonly position: StartingPosition;
  readonly token: string;
}

export interface RecordsPage {
  readonly records: readonly ShardRecord[];
  /** Where to read next; null at SHARD_END, once every record of a closed shard was returned. */
  readonly next: ShardIterator | null;
  /**
   * The shards that continue this one, given by Kinesis with the last page of a closed shard; null
   * when the service did not say (kinesalite never does), in which case ListShards tells.
   */
  readonly childShards: readonly Shard[] | null;
  readonly millisBehindLatest: number;
}

export interface ShardReader {
  /** Every shard of the stream, open and closed, across pages. */
  listShards(): Promise<Shard[]>;
  getIterator(shardId: string, position: StartingPosition): Promise<ShardIterator>;
  /**
   * Reads up to `limit` records. Recovers from an expired iterator by asking for a new one at the
   * iterator's position, and backs off while throttled; other failures reject.
   */
  getRecords(iterator: ShardIterator, limit: number): Promise<RecordsPage>;
}
