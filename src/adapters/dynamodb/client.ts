/**
 * @module
 * A DynamoDB client for AWS or a local engine (dynalite), over HTTP/1.1 like the other clients.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { type AwsConnection, credentialsFor } from "../aws-connection.ts";

/** Builds a DynamoDB client. Call `destroy()` when done, or its keep-alive sockets stay open. */
export function dynamodbClient(connection: AwsConnection): DynamoDBClient {
  return new DynamoDBClient({
    region: connection.region,
    endpoint: connection.endpoint,
    credentials: credentialsFor(connection),
    requestHandler: new NodeHttpHandler(),
  });
}
