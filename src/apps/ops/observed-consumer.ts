/**
 * @module
 * `KinesisStreamConsumer.connect`, with the worker's telemetry watching it: the lease store is
 * wrapped so `/health` knows whether the lease table answers, and the consumer's events feed the
 * metrics before reaching the app's own listener. Built the way `connect` builds (the lease table
 * is created if absent; the clients are destroyed when the consumer stops).
 */
import type { AwsConnection } from "../../adapters/aws-connection.ts";
import { dynamodbClient } from "../../adapters/dynamodb/client.ts";
import { DynamoDBLeaseStore } from "../../adapters/dynamodb/lease-store.ts";
import { ensureLeaseTable } from "../../adapters/dynamodb/lease-table.ts";
import { kinesisClient } from "../../adapters/kinesis/client.ts";
import { KinesisShardReader } from "../../adapters/kinesis/shard-reader.ts";
import {
  type ConsumerEvent,
  KinesisStreamConsumer,
  type StreamConsumerConfig,
} from "../../adapters/kinesis/stream-consumer.ts";
import type { StreamWorkerTelemetry } from "./stream-worker-telemetry.ts";

export async function connectObservedConsumer(
  config: StreamConsumerConfig,
  connections: { readonly kinesis: AwsConnection; readonly dynamodb: AwsConnection },
  telemetry: StreamWorkerTelemetry,
  onEvent: (event: ConsumerEvent) => void = () => {},
): Promise<KinesisStreamConsumer> {
  const kinesis = kinesisClient(connections.kinesis);
  const dynamodb = dynamodbClient(connections.dynamodb);
  const close = () => {
    kinesis.destroy();
    dynamodb.destroy();
  };
  try {
    await ensureLeaseTable(dynamodb, config.appName);
  } catch (e) {
    close();
    throw e;
  }
  return new KinesisStreamConsumer(config, {
    leaseStore: telemetry.leaseTable.observe(new DynamoDBLeaseStore(dynamodb, config.appName)),
    shardReader: new KinesisShardReader(kinesis, config.streamName),
    onEvent: (event) => {
      telemetry.onConsumerEvent(event);
      onEvent(event);
    },
    close,
  });
}
