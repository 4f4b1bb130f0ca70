/**
 * @module
 * The first step of enrichment: one raw-stream record (a Thrift `CollectorPayload`) becomes the
 * collector payload adapters work on, or collector_payload_format_violation bad rows (Enrich's
 * `ThriftLoader` and `CollectorPayload.parseApi`). Checks, each reported as its own bad row, as
 * Enrich accumulates them:
 * - the bytes are a Thrift struct (otherwise the one failure is a `Fallback` message);
 * - the encoding names a charset (`Fallback`, as Java's `Charset.forName` throws);
 * - the querystring is a valid URI query (`querystring` InputData);
 * - the path is `(/)vendor/version(/)` or a legacy `/i`, `/i?…`, `/ice.png…` pixel (`path`);
 * - the network user id is a UUID (`networkUserId`);
 * - the schema matches `iglu:com.snowplowanalytics.snowplow/CollectorPayload/thrift/1-0-*`.
 * Bytes after the struct's STOP are ignored, as libthrift's deserializer ignores them.
 */
import {
  type CPFormatViolation,
  type CPFormatViolationFailure,
  cpFormatViolation,
} from "../badrows/bad-row.ts";
import { type CPFormatViolationMessage, cpFormatInputData, fallback } from "../badrows/failure-message.ts";
import type { CollectorPayload as PayloadForAdapters } from "../badrows/payload.ts";
import type { Processor } from "../badrows/processor.ts";
import type { NonEmpty } from "../iglu/client-error.ts";
import { criterionMatches, formatSchemaCriterion, schemaCriterion } from "../iglu/schema-criterion.ts";
import { parseSchemaKey } from "../iglu/schema-key.ts";
import { err, ok, type Result } from "../result.ts";
import { encodeBase64 } from "../thrift/base64.ts";
import { readCollectorPayload } from "../thrift/collector-payload.ts";
import { clientIp } from "./client-ip.ts";
import { parseQueryString } from "./query-string.ts";

/** The collector payload as adapters see it: the bad-row payload shape, with the decoded querystring. */
export type RawCollectorPayload = PayloadForAdapters;

/** The criterion a record's schema must match. */
export const COLLECTOR_PAYLOAD_CRITERION = schemaCriterion(
  "com.snowplowanalytics.snowplow",
  "CollectorPayload",
  "thrift",
  1,
  0,
);

/** The vendor/version of the legacy pixel paths. */
export const TP1 = { vendor: "com.snowplowanalytics.snowplow", version: "tp1" } as const;

const API_PATH = /^\/?([^/]+)\/([^/]+)\/?$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The vendor and version a request path names (`CollectorPayload.parseApi`). */
export function parseApiPath(
  path: string,
): Result<{ vendor: string; version: string }, CPFormatViolationMessage> {
  const m = API_PATH.exec(path);
  if (m !== null) return ok({ vendor: m[1]!, version: m[2]! });
  if (path.startsWith("/ice.png") || path === "/i" || path.startsWith("/i?")) return ok(TP1);
  return err(
    cpFormatInputData(
      "path",
      path,
      "path does not match (/)vendor/version(/) nor is a legacy /i(ce.png) request",
    ),
  );
}

/** A canonical UUID, lower-cased as Java's `UUID.toString` writes it, or null. */
export function canonicalUuid(text: string): string | null {
  return UUID.test(text) ? text.toLowerCase() : null;
}

const decoders = new Map<string, TextDecoder>();

/** The decoder for a Java charset name, or Java's exception message when there is none. */
export function charsetDecoder(name: string | undefined): Result<TextDecoder, string> {
  if (name === undefined) return err("Null charset name");
  let decoder = decoders.get(name);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(name, { ignoreBOM: true });
    } catch {
      return err(name);
    }
    if (decoders.size < 64) decoders.set(name, decoder);
  }
  return ok(decoder);
}

/** `JsonUtils.stripInstanceEtc`: tabs to spaces, control characters out, trimmed. */
function stripInstanceEtc(message: string): string {
  return message
    .replaceAll("\t", "    ")
    .replace(/[\x00-\x1F\x7F]/g, "")
    .trim();
}

const EXPECTED_SCHEMA = `${formatSchemaCriterion(COLLECTOR_PAYLOAD_CRITERION)}`;

/**
 * Decodes and checks one raw record. `etlTstamp` is the batch's time, written into each bad row.
 *
 * @example
 * const loaded = loadCollectorPayload(bytes, processor("furrow-enrich", "0.1.0"), new Date());
 * if (!loaded.ok) badRows.push(...loaded.error);
 */
export function loadCollectorPayload(
  bytes: Uint8Array,
  processor: Processor,
  etlTstamp: Date,
): Result<RawCollectorPayload, NonEmpty<CPFormatViolation>> {
  const violation = (message: CPFormatViolationMessage): CPFormatViolation => {
    const failure: CPFormatViolationFailure = { timestamp: etlTstamp, loader: "thrift", message };
    return cpFormatViolation(processor, failure, encodeBase64(bytes));
  };
  const read = readCollectorPayload(bytes);
  if (!read.ok) {
    // libthrift signals both a short read and a length past the end as END_OF_FILE.
    const kind = read.error.kind;
    const why =
      kind === "truncated" || kind === "length-exceeds-input"
        ? "Reached end of bytes when parsing as thrift format"
        : read.error.message;
    return err([violation(fallback(`error deserializing raw event: ${why}`))]);
  }
  const p = read.value.payload;
  const decoder = charsetDecoder(p.encoding);
  if (!decoder.ok) return err([violation(fallback(`error deserializing raw event: ${decoder.error}`))]);

  const messages: CPFormatViolationMessage[] = [];
  let querystring: RawCollectorPayload["querystring"] = [];
  if (p.querystring !== undefined) {
    const parsed = parseQueryString(p.querystring, decoder.value);
    if (parsed.ok) querystring = parsed.value;
    else {
      const charset = decoder.value.encoding.toUpperCase();
      const message = `could not extract name-value pairs from querystring with encoding ${charset}: ${stripInstanceEtc(parsed.error)}`;
      messages.push(cpFormatInputData("querystring", p.querystring, message));
    }
  }
  let api: { vendor: string; version: string } = TP1;
  if (p.path === undefined) messages.push(cpFormatInputData("path", null, "request does not contain a path"));
  else {
    const parsed = parseApiPath(p.path);
    if (parsed.ok) api = parsed.value;
    else messages.push(parsed.error);
  }
  let networkUserId: string | null = null;
  if (p.networkUserId !== undefined) {
    networkUserId = canonicalUuid(p.networkUserId);
    if (networkUserId === null)
      messages.push(cpFormatInputData("networkUserId", p.networkUserId, "not valid UUID"));
  }
  const schemaKey = p.schema === undefined ? null : parseSchemaKey(p.schema);
  if (
    schemaKey === null ||
    !schemaKey.ok ||
    !criterionMatches(COLLECTOR_PAYLOAD_CRITERION, schemaKey.value)
  ) {
    messages.push(fallback(`verifying record as ${EXPECTED_SCHEMA} failed: found ${p.schema ?? "null"}`));
  }
  const [first, ...rest] = messages;
  if (first !== undefined) return err([violation(first), ...rest.map(violation)]);

  const headers = p.headers ?? [];
  return ok({
    vendor: api.vendor,
    version: api.version,
    querystring,
    contentType: p.contentType ?? null,
    body: p.body ?? null,
    collector: p.collector ?? "",
    encoding: p.encoding!,
    hostname: p.hostname ?? null,
    // A JS Date holds ±8.64e15 ms; beyond that (year 275760) the time is unknown, and the event
    // then fails the collector_tstamp check as Enrich's does for any year past 9999.
    timestamp: Math.abs(p.timestamp) <= 8.64e15 ? new Date(p.timestamp) : null,
    ipAddress: clientIp(headers, p.ipAddress ?? null),
    useragent: p.userAgent ?? null,
    refererUri: p.refererUri ?? null,
    headers,
    networkUserId,
  });
}
