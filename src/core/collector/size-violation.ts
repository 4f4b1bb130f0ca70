/**
 * @module
 * The size_violation bad row the collector writes instead of a payload too large for its stream
 * (core/SplitBatch.scala `oversizedPayload`): processor, the failure (limit, actual size and an
 * expectation starting "oversized collector payload: "), and as payload the first tenth of the
 * limit of the payload's text, so an operator can see what was dropped and by whom.
 *
 * The text is what libthrift's generated `CollectorPayload.toString()` prints, since that is what
 * Snowplow's bad rows hold: `CollectorPayload(schema:…, ipAddress:…, timestamp:…, …)`, fields in
 * IDL order, the five default-requiredness fields always (`null` when unset), optional ones only
 * when set, and the headers list as Java prints a List (`[a, b]`).
 */
import { type SizeViolation, serializeBadRow, sizeViolation } from "../badrows/bad-row.ts";
import type { Processor } from "../badrows/processor.ts";
import type { CollectorPayload } from "../thrift/collector-payload.ts";

const OPTIONAL_STRINGS = [
  "userAgent",
  "refererUri",
  "path",
  "querystring",
  "body",
] as const satisfies readonly (keyof CollectorPayload)[];
const TRAILING_STRINGS = [
  "contentType",
  "hostname",
  "networkUserId",
] as const satisfies readonly (keyof CollectorPayload)[];

/**
 * libthrift's `toString()` of a CollectorPayload, cut to `limit` characters. Stops building once
 * past the limit, so a 2 MiB body is not copied to keep its first few kilobytes.
 */
export function collectorPayloadText(p: CollectorPayload, limit = Number.POSITIVE_INFINITY): string {
  const orNull = (s: string | undefined) => (s === undefined ? "null" : s);
  let text = `CollectorPayload(schema:${orNull(p.schema)}, ipAddress:${orNull(p.ipAddress)}, timestamp:${p.timestamp ?? 0}, encoding:${orNull(p.encoding)}, collector:${orNull(p.collector)}`;
  const add = (name: string, value: string | undefined) => {
    if (value !== undefined && text.length < limit) text += `, ${name}:${value}`;
  };
  for (const name of OPTIONAL_STRINGS) add(name, p[name]);
  if (p.headers !== undefined) add("headers", `[${p.headers.join(", ")}]`);
  for (const name of TRAILING_STRINGS) add(name, p[name]);
  if (text.length < limit) text += ")";
  return text.length > limit ? text.slice(0, limit) : text;
}

/** The facts of one oversized payload. */
export interface OversizedPayload {
  readonly payload: CollectorPayload;
  /** Bytes of the serialized payload (or of the one event that alone is too large). */
  readonly actualSizeBytes: number;
  readonly maximumAllowedSizeBytes: number;
  /** Why, after "oversized collector payload: ". */
  readonly reason: string;
}

/** The bad row for an oversized payload, as a value. */
export function oversizedPayloadRow(processor: Processor, o: OversizedPayload, now: number): SizeViolation {
  return sizeViolation(
    processor,
    {
      timestamp: new Date(now),
      maximumAllowedSizeBytes: o.maximumAllowedSizeBytes,
      actualSizeBytes: o.actualSizeBytes,
      expectation: `oversized collector payload: ${o.reason}`,
    },
    collectorPayloadText(o.payload, Math.floor(o.maximumAllowedSizeBytes / 10)),
  );
}

const utf8 = new TextEncoder();

/** The bad row for an oversized payload as the UTF-8 JSON record the bad stream takes. */
export function oversizedPayloadRecord(processor: Processor, o: OversizedPayload, now: number): Uint8Array {
  return utf8.encode(serializeBadRow(oversizedPayloadRow(processor, o, now)));
}
