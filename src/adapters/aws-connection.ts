/**
 * @module
 * How the AWS clients reach a service: an endpoint (a local engine, or none for AWS itself), a
 * region and credentials. Shared by the Kinesis, DynamoDB and S3 client factories.
 */
/** Static AWS credentials (the SDK's `AwsCredentials` without expiry). */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface AwsConnection {
  /** Base URL of a local or self-hosted endpoint; absent for AWS itself. */
  readonly endpoint?: string;
  readonly region: string;
  /**
   * Absent: static dummy credentials when `endpoint` is set (local engines ignore or fix them),
   * otherwise the SDK's default provider chain.
   */
  readonly credentials?: AwsCredentials;
}

/**
 * Static credentials for the local engines. kinesalite and dynalite accept any key; s3rver checks
 * signatures against its one built-in key pair, `S3RVER`/`S3RVER` (s3rver README, "Signature").
 */
export const LOCAL_ENGINE_CREDENTIALS: AwsCredentials = {
  accessKeyId: "S3RVER",
  secretAccessKey: "S3RVER",
};

/** The credentials to give a client for `connection` (undefined: let the SDK find them). */
export function credentialsFor(connection: AwsConnection): AwsCredentials | undefined {
  return connection.credentials ?? (connection.endpoint ? LOCAL_ENGINE_CREDENTIALS : undefined);
}
