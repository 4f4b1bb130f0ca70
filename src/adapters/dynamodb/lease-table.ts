/**
 * @module
 * Creates a KCL lease table unless it exists. The layout is KCL's (amazon-kinesis-client,
 * DynamoDBLeaseSerializer): table name = application name, hash key `leaseKey` (S), no range key.
 * Billing is PAY_PER_REQUEST, the default of KCL 2.x's `LeaseManagementConfig`; dynalite accepts
 * it (validations/createTable.js), so local and AWS tables are created the same way.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
  type TableDescription,
} from "@aws-sdk/client-dynamodb";
import { LEASE_KEY } from "../../core/topology.ts";
import { pollUntil } from "../poll-until.ts";

export interface EnsuredLeaseTable {
  readonly name: string;
  /** False when the table already existed (its items, the leases, are kept). */
  readonly created: boolean;
}

const isNamed = (e: unknown, name: string): boolean => e instanceof Error && e.name === name;

async function describe(client: DynamoDBClient, name: string): Promise<TableDescription | null> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: name }))).Table ?? null;
  } catch (e) {
    if (isNamed(e, "ResourceNotFoundException")) return null;
    throw e;
  }
}

/** True if `table`'s key is exactly KCL's: hash key `leaseKey` of type S. */
export function hasLeaseLayout(table: TableDescription): boolean {
  const keys = table.KeySchema ?? [];
  const type = table.AttributeDefinitions?.find((a) => a.AttributeName === LEASE_KEY)?.AttributeType;
  return (
    keys.length === 1 && keys[0]?.AttributeName === LEASE_KEY && keys[0]?.KeyType === "HASH" && type === "S"
  );
}

/**
 * Makes sure lease table `name` exists and is ACTIVE. Throws if a table of that name exists with
 * another key: a KCL worker could not use it, and it is not ours to drop.
 */
export async function ensureLeaseTable(
  client: DynamoDBClient,
  name: string,
  options: { readonly timeoutMs?: number } = {},
): Promise<EnsuredLeaseTable> {
  let created = false;
  const existing = await describe(client, name);
  if (existing === null) {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          AttributeDefinitions: [{ AttributeName: LEASE_KEY, AttributeType: "S" }],
          KeySchema: [{ AttributeName: LEASE_KEY, KeyType: "HASH" }],
          BillingMode: "PAY_PER_REQUEST",
        }),
      );
      created = true;
    } catch (e) {
      if (!isNamed(e, "ResourceInUseException")) throw e;
    }
  } else if (!hasLeaseLayout(existing)) {
    throw new Error(`DynamoDB table ${name} exists but its key is not KCL's ${LEASE_KEY} (S)`);
  }
  await pollUntil(async () => (await describe(client, name))?.TableStatus === "ACTIVE", {
    what: `DynamoDB table ${name} to become ACTIVE`,
    timeoutMs: options.timeoutMs,
  });
  return { name, created };
}

/** Every table name of the account and region, across pages. */
export async function listTableNames(client: DynamoDBClient): Promise<string[]> {
  const names: string[] = [];
  let start: string | undefined;
  do {
    const out = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    names.push(...(out.TableNames ?? []));
    start = out.LastEvaluatedTableName;
  } while (start !== undefined);
  return names;
}
