/**
 * @module
 * `KinesisStreamConsumer.connect`, with the worker's telemetry watching it: the lease store is
 * wrapped so `/health` knows whether the lease table answers, and the consumer's events feed the
 * metrics before reaching the app's own listener.
 */
import type { AwsConnection } from "../../adapters/aws-connection.ts";
import {
  type ConsumerEvent,
  KinesisStreamConsumer,
  type StreamConsumerConfig,
} from "../../adapters/kinesis/stream-consumer.ts";
import type { StreamWorkerTelemetry } from "./stream-worker-telemetry.ts";

export function connectObservedConsumer(
  config: StreamConsumerConfig,
  connections: { readonly kinesis: AwsConnection; readonly dynamodb: AwsConnection },
  telemetry: StreamWorkerTelemetry,
  onEvent: (event: ConsumerEvent) => void = () => {},
): Promise<KinesisStreamConsumer> {
  return KinesisStreamConsumer.connect(config, connections, {
    observeLeaseStore: (store) => telemetry.leaseTable.observe(store),
    onEvent: (event) => {
      telemetry.onConsumerEvent(event);
      onEvent(event);
    },
  });
}
