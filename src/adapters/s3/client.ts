/**
 * @module
 * An S3 client for AWS or a local engine (s3rver). With an endpoint the client addresses buckets
 * by path (`http://host/bucket/key`): a local engine on 127.0.0.1 has no DNS for virtual-hosted
 * names like `bucket.127.0.0.1`.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { type AwsConnection, credentialsFor } from "../aws-connection.ts";

/** Builds an S3 client. Call `destroy()` when done, or its keep-alive sockets stay open. */
export function s3Client(connection: AwsConnection): S3Client {
  return new S3Client({
    region: connection.region,
    endpoint: connection.endpoint,
    credentials: credentialsFor(connection),
    forcePathStyle: connection.endpoint !== undefined,
    requestHandler: new NodeHttpHandler(),
  });
}
