/**
 * @module
 * How records are cut into Kinesis PutRecords requests. Kinesis takes at most 500 records and
 * 5 MiB per request, and at most 1 MiB per record, where the partition key's UTF-8 bytes count
 * towards both byte limits (Kinesis API reference, PutRecords: "Each record in the request can be
 * as large as 1 MiB, up to a limit of 5 MiB for the entire request, including partition keys").
 *
 * Records are cut in queue order, so a request never reorders records of one partition key. A
 * producer with several requests in flight passes the keys those requests carry as `busyKeys`:
 * records with a busy key stay queued (with every later record of that key), because two
 * concurrent requests may be applied in either order.
 *
 * @example
 * const cut = cutPutRecordsRequest(queue, 0, requestLimits(COLLECTOR_FLUSH_POLICY));
 * send(cut.request); // then queue[0, cut.end) is replaced by cut.held
 */

/** The hard limits of one PutRecords request (Kinesis service quotas, not adjustable). */
export interface PutRecordsLimits {
  readonly maxRecordsPerRequest: number;
  /** Data plus partition key bytes of every record of a request. */
  readonly maxBytesPerRequest: number;
  /** Data plus partition key bytes of one record. */
  readonly maxBytesPerRecord: number;
}

export const KINESIS_PUT_RECORDS_LIMITS: PutRecordsLimits = {
  maxRecordsPerRequest: 500,
  maxBytesPerRequest: 5 * 1024 * 1024,
  maxBytesPerRecord: 1024 * 1024,
};

/** Kinesis: a partition key is 1 to 256 characters (kinesalite checks UTF-16 length, as Java does). */
export const MAX_PARTITION_KEY_LENGTH = 256;

/** The limits one request is cut to: the Kinesis limits, or tighter ones from a flush policy. */
export interface RequestLimits {
  readonly maxRecords: number;
  readonly maxBytes: number;
}

/** What cutting needs to know of a queued record. */
export interface SizedRecord {
  readonly partitionKey: string;
  /** Data bytes plus the partition key's UTF-8 bytes (`recordBytes`). */
  readonly bytes: number;
}

/** The UTF-8 length of `text`, without encoding it (this runs once per record on the hot path). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        // A surrogate pair is one code point, four bytes in UTF-8.
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3; // includes lone surrogates, which TextEncoder writes as U+FFFD (3 bytes)
  }
  return bytes;
}

/** The bytes a record counts against the Kinesis limits: its data plus its partition key in UTF-8. */
export function recordBytes(record: { readonly data: Uint8Array; readonly partitionKey: string }): number {
  return record.data.byteLength + utf8Length(record.partitionKey);
}

/**
 * Why Kinesis would refuse `partitionKey`, or null. An invalid key fails the whole PutRecords call
 * with a ValidationException, which no retry can cure, so producers refuse it up front.
 */
export function partitionKeyProblem(partitionKey: string): string | null {
  if (partitionKey.length === 0) return "a partition key must not be empty";
  if (partitionKey.length > MAX_PARTITION_KEY_LENGTH) {
    return `a partition key is at most ${MAX_PARTITION_KEY_LENGTH} characters, got ${partitionKey.length}`;
  }
  return null;
}

/** One request cut from a queue. */
export interface PutRecordsCut<T> {
  /** The records to send, in queue order; empty only if every scanned record had a busy key. */
  readonly request: T[];
  /** The records scanned but not sent (busy keys), in queue order: they stay at the queue's front. */
  readonly held: T[];
  /** The queue position after the last record scanned: `queue[start, end)` becomes `held`. */
  readonly end: number;
}

/** The keys of records in flight; a `Set`, or a `Map` of counts. */
export type BusyKeys = Pick<ReadonlySet<string>, "has">;

const NO_KEYS: BusyKeys = new Set();

/**
 * Cuts the next request from `queue[start…]`. Takes records in order until the request is full,
 * the next record would pass `limits.maxBytes` (no reordering to pack bytes: the request is sent
 * as Snowplow does, "flush before a record would exceed the byte limit"), or `lookAhead` records
 * were scanned. A record larger than `maxBytes` alone still makes a request of its own, so a
 * tight flush policy can never wedge the queue (records over the Kinesis 1 MiB limit must be
 * refused before they are queued).
 */
export function cutPutRecordsRequest<T extends SizedRecord>(
  queue: readonly T[],
  start: number,
  limits: RequestLimits,
  busyKeys: BusyKeys = NO_KEYS,
  lookAhead = Number.POSITIVE_INFINITY,
): PutRecordsCut<T> {
  const request: T[] = [];
  const held: T[] = [];
  let bytes = 0;
  let i = start;
  const stop = Math.min(queue.length, start + lookAhead);
  for (; i < stop && request.length < limits.maxRecords; i++) {
    const record = queue[i]!;
    if (busyKeys.has(record.partitionKey)) {
      held.push(record);
      continue;
    }
    if (request.length > 0 && bytes + record.bytes > limits.maxBytes) break;
    request.push(record);
    bytes += record.bytes;
  }
  return { request, held, end: i };
}
