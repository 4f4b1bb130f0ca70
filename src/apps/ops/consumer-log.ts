/**
 * @module
 * The consumer's events as log records, the same for every stream worker: lease changes at info
 * (lost at warn), failed batches at warn, infrastructure errors at error, checkpoints at debug.
 */
import type { ConsumerEvent } from "../../adapters/kinesis/stream-consumer.ts";
import { firstLine, type Logger } from "../../core/ops/log.ts";

export function logConsumerEvent(logger: Logger, event: ConsumerEvent): void {
  switch (event.type) {
    case "lease-taken":
      logger.info(`took the lease of ${event.leaseKey}`, {
        event: event.type,
        shard: event.leaseKey,
        stolen: event.stolen || undefined,
      });
      break;
    case "lease-lost":
      logger.warn(`lost the lease of ${event.leaseKey}`, { event: event.type, shard: event.leaseKey });
      break;
    case "leases-released":
      logger.info(`released ${event.leaseKeys.length} leases`, {
        event: event.type,
        shards: event.leaseKeys.join(","),
      });
      break;
    case "handler-failed":
      logger.warn(`batch of ${event.shardId} failed (attempt ${event.attempt}), retrying`, {
        event: event.type,
        shard: event.shardId,
        attempt: event.attempt,
        firstSequenceNumber: event.firstSequenceNumber,
        error: firstLine(event.error),
      });
      break;
    case "error":
      logger.error(`${event.operation} failed`, {
        event: event.type,
        operation: event.operation,
        shard: event.shardId,
        error: firstLine(event.error),
      });
      break;
    case "checkpoint":
      logger.debug("checkpoint", {
        event: event.type,
        shard: event.shardId,
        sequenceNumber: event.sequenceNumber,
      });
      break;
    case "shard-end":
      logger.info(`reached the end of ${event.shardId}`, {
        event: event.type,
        shard: event.shardId,
        children: event.childShardIds.join(","),
      });
      break;
    case "shard-sync":
      logger.debug("shard sync", {
        event: event.type,
        created: event.created.join(","),
        deleted: event.deleted.join(","),
      });
      break;
    default:
      logger.debug(event.type, { event: event.type, shard: event.shardId });
  }
}
