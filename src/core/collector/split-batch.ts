/**
 * @module
 * Turning a CollectorPayload into stream records that fit (core/SplitBatch.scala
 * `splitAndSerializePayload`). A payload under the sink's `maxBytes` is one record. Above it:
 * - past `maxPayloadSize` (networking, 1 MiB by default) it becomes a size_violation bad row;
 * - a GET, or a POST whose body is not self-describing JSON with a `data` array, or whose payload
 *   without the events is still too large, becomes a size_violation;
 * - otherwise the events of `data` are packed greedily into batches that fit, each batch written as
 *   a copy of the payload with the body `{"schema":…,"data":[…]}`; an event too large on its own
 *   becomes its own size_violation. Snowplow's packing emits batches, and events inside each batch,
 *   in reverse order; we keep that so the raw stream is byte-for-byte what Snowplow would write.
 * Nothing is silently dropped: every event ends up in a good record or a bad row.
 */
import type { Processor } from "../badrows/processor.ts";
import { formatSchemaKey } from "../iglu/schema-key.ts";
import { parseSelfDescribingData } from "../iglu/self-describing-data.ts";
import { utf8Length } from "../streams/put-records-batch.ts";
import { type CollectorPayload, encodeCollectorPayload } from "../thrift/collector-payload.ts";
import { type OversizedPayload, oversizedPayloadRecord } from "./size-violation.ts";

/** Snowplow's `networking.maxPayloadSize`: payloads past it are never split. */
export const DEFAULT_MAX_PAYLOAD_SIZE = 1_048_576;

/** Records for the good and bad streams; either may be empty. */
export interface SerializedPayload {
  readonly good: Uint8Array[];
  readonly bad: Uint8Array[];
}

/** Batches of events and the events too large for any batch, both in Snowplow's (reversed) order. */
export interface SplitEvents<T> {
  readonly batches: T[][];
  readonly tooLarge: T[];
}

/**
 * Snowplow's greedy packing (SplitBatch.scala `split`): each event costs its size plus `joinSize`
 * (its comma); an event over `maximum` alone is set aside, and a batch is closed before an event
 * would take it past `maximum`. Batches come out last first, each with its events last first.
 *
 * @example
 * splitEvents(["a", "b", "c"], (s) => s.length + 2, 9) // { batches: [["c"], ["b", "a"]], tooLarge: [] }
 */
export function splitEvents<T>(
  events: readonly T[],
  size: (event: T) => number,
  maximum: number,
  joinSize = 1,
): SplitEvents<T> {
  const batches: T[][] = [];
  const tooLarge: T[] = [];
  let current: T[] = [];
  let total = 0;
  let i = 0;
  while (i < events.length) {
    const event = events[i]!;
    const s = size(event);
    if (s + joinSize > maximum) {
      tooLarge.unshift(event);
      i++;
    } else if (s + total + joinSize > maximum) {
      batches.unshift(current);
      current = [];
      total = 0;
    } else {
      current.unshift(event);
      total += s + joinSize;
      i++;
    }
  }
  if (current.length > 0) batches.unshift(current);
  return { batches, tooLarge };
}

/** Why a payload over `maxBytes` cannot be split, or its schema and events when it can. */
function splittableBody(body: string | undefined): { schema: string; events: unknown[] } | string {
  if (body === undefined) return "GET requests cannot be split";
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    return `cannot split POST requests which are not json ${(e as Error).message}`;
  }
  const sdd = parseSelfDescribingData(json);
  if (!sdd.ok) return `cannot split POST requests which are not self-describing ${sdd.error.message}`;
  if (!Array.isArray(sdd.value.data)) return "cannot split POST requests which do not contain a data array";
  return { schema: formatSchemaKey(sdd.value.schema), events: sdd.value.data };
}

/**
 * Serializes `payload` into records that fit `maxBytes` (the good sink's record limit), splitting
 * POST batches and turning what cannot fit into size_violation rows stamped `now`. The common case
 * (under the limit) costs one encode and one allocation.
 */
export function serializeCollectorPayload(
  payload: CollectorPayload,
  limits: { readonly maxBytes: number; readonly maxPayloadSize: number },
  processor: Processor,
  now: number,
): SerializedPayload {
  const whole = encodeCollectorPayload(payload);
  const { maxBytes, maxPayloadSize } = limits;
  if (whole.length < maxBytes) return { good: [whole], bad: [] };

  const bad = (o: Omit<OversizedPayload, "payload">) =>
    oversizedPayloadRecord(processor, { payload, ...o }, now);
  if (whole.length > maxPayloadSize) {
    const reason = `Payload exceeds max size of ${maxPayloadSize}. Actual length: ${whole.length}`;
    return {
      good: [],
      bad: [bad({ actualSizeBytes: whole.length, maximumAllowedSizeBytes: maxPayloadSize, reason })],
    };
  }
  const body = splittableBody(payload.body);
  const wholeBad = (reason: string): SerializedPayload => ({
    good: [],
    bad: [bad({ actualSizeBytes: whole.length, maximumAllowedSizeBytes: maxBytes, reason })],
  });
  if (typeof body === "string") return wholeBad(body);

  const events = body.events.map((e) => {
    const json = JSON.stringify(e);
    return { json, size: utf8Length(json) };
  });
  const dataBytes = utf8Length(`[${events.map((e) => e.json).join(",")}]`);
  if (whole.length - dataBytes >= maxBytes) {
    return wholeBad('cannot split this POST request because event without "data" field is still too big');
  }
  const split = splitEvents(events, (e) => e.size, maxBytes - whole.length + dataBytes);
  const schema = JSON.stringify(body.schema);
  return {
    good: split.batches.map((batch) =>
      encodeCollectorPayload({
        ...payload,
        body: `{"schema":${schema},"data":[${batch.map((e) => e.json).join(",")}]}`,
      }),
    ),
    bad: split.tooLarge.map((event) =>
      bad({
        actualSizeBytes: event.size,
        maximumAllowedSizeBytes: maxBytes,
        reason: "this POST request split is still too large",
      }),
    ),
  };
}
