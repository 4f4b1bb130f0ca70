/**
 * @module
 * A Kinesis client for AWS or a local engine. The SDK's Kinesis client defaults to an HTTP/2
 * handler, and kinesalite drops HTTP/2 connections (`ERR_HTTP2_ERROR`), so the client always uses
 * the HTTP/1.1 `NodeHttpHandler`; AWS Kinesis serves HTTP/1.1 for every API but SubscribeToShard.
 */
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { type AwsConnection, credentialsFor } from "../aws-connection.ts";

export interface KinesisClientOptions {
  /**
   * Attempts per call, the SDK's own retries included. The producer passes 1: it retries failed
   * entries itself with Snowplow's backoff, and SDK retries underneath would stack a second backoff
   * and hide throttling from it.
   */
  readonly maxAttempts?: number;
}

/** Builds a Kinesis client. Call `destroy()` when done, or its keep-alive sockets stay open. */
export function kinesisClient(connection: AwsConnection, options: KinesisClientOptions = {}): KinesisClient {
  return new KinesisClient({
    region: connection.region,
    endpoint: connection.endpoint,
    credentials: credentialsFor(connection),
    requestHandler: new NodeHttpHandler(),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  });
}
