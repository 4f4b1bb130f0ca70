/**
 * @module
 * A Kinesis client for AWS or a local engine. The SDK's Kinesis client defaults to an HTTP/2
 * handler, and kinesalite drops HTTP/2 connections (`ERR_HTTP2_ERROR`), so the client always uses
 * the HTTP/1.1 `NodeHttpHandler`; AWS Kinesis serves HTTP/1.1 for every API but SubscribeToShard.
 */
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { type AwsConnection, credentialsFor } from "../aws-connection.ts";

/** Builds a Kinesis client. Call `destroy()` when done, or its keep-alive sockets stay open. */
export function kinesisClient(connection: AwsConnection): KinesisClient {
  return new KinesisClient({
    region: connection.region,
    endpoint: connection.endpoint,
    credentials: credentialsFor(connection),
    requestHandler: new NodeHttpHandler(),
  });
}
