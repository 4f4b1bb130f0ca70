/**
 * @module
 * Reading a bad-1 record for Micro: the bad row's type (the schema name, e.g. `schema_violations`),
 * its failure messages as one line each (what the console groups and `BadEvent.errors` lists), and
 * what its payload tells about the event: the raw event (schema_violations, enrichment_failures),
 * the whole request (adapter_failures, tracker_protocol_violations), and the event id to join it to
 * the raw stream. Any text is accepted: a record that is not a bad row is type `unreadable`.
 */
import type { CollectorPayload, NVP, RawEvent } from "../badrows/payload.ts";

/** A bad-1 record, read. */
export interface BadRowReading {
  /** The bad row schema's name, `unreadable` when the text is not a self-describing bad row. */
  readonly type: string;
  /** The bad row's Iglu URI, or null. */
  readonly schema: string | null;
  /** Each failure message as one line of text. */
  readonly messages: readonly string[];
  readonly rawEvent: RawEvent | null;
  readonly collectorPayload: CollectorPayload | null;
  /** The event id (`eid`) of the raw event, if any. */
  readonly eventId: string | null;
  /** The payload as text, for rows that carry only that (size_violation, format violations). */
  readonly rawPayload: string | null;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const BAD_ROW_SCHEMA = /^iglu:[^/]+\/([^/]+)\/jsonschema\/\d+-\d+-\d+$/;

/** Longest message line kept; a validation report can quote a whole document. */
const MAX_LINE = 2000;
const clip = (s: string) => (s.length > MAX_LINE ? `${s.slice(0, MAX_LINE)}…` : s);

/** A ClientError (`{error: "ResolutionError" | "ValidationError", …}`) in words. */
function clientErrorText(e: Json): string {
  if (e["error"] === "ResolutionError" && Array.isArray(e["lookupHistory"])) {
    const tried = e["lookupHistory"].filter(isObject).map((h) => {
      const errors = Array.isArray(h["errors"])
        ? h["errors"].filter(isObject).map((x) => str(x["error"]) ?? "error")
        : [];
      return `${str(h["repository"]) ?? "?"}: ${errors.join(", ") || "no answer"}`;
    });
    return `schema not found (${tried.join("; ")})`;
  }
  const reports = Array.isArray(e["dataReports"])
    ? e["dataReports"]
    : Array.isArray(e["schemaIssues"])
      ? e["schemaIssues"]
      : null;
  if (reports !== null) {
    const lines = reports.filter(isObject).map((r) => {
      const path = str(r["path"]);
      const message = str(r["message"]) ?? JSON.stringify(r);
      return path === null ? message : `${path}: ${message}`;
    });
    const what = Array.isArray(e["schemaIssues"]) ? "invalid schema" : "invalid data";
    return `${what}: ${lines.join("; ")}`;
  }
  return JSON.stringify(e);
}

/** One failure message (any of snowplow-badrows' message shapes) in words. */
export function messageText(m: unknown): string {
  if (typeof m === "string") return m;
  if (!isObject(m)) return JSON.stringify(m);
  // enrichment_failures: {enrichment: {schemaKey, identifier} | null, message}
  if ("message" in m && isObject(m["message"]) && "enrichment" in m) {
    const en = isObject(m["enrichment"]) ? str(m["enrichment"]["identifier"]) : null;
    return `${en === null ? "" : `${en}: `}${messageText(m["message"])}`;
  }
  const schemaKey = str(m["schemaKey"]);
  if (schemaKey !== null && isObject(m["error"])) return `${schemaKey}: ${clientErrorText(m["error"])}`;
  if (schemaKey !== null && typeof m["schemaCriterion"] === "string")
    return `${schemaKey} does not match ${m["schemaCriterion"]}`;
  const field = str(m["field"]) ?? str(m["payloadField"]);
  const value = m["value"] === undefined ? undefined : m["value"];
  const valueText = value === undefined || value === null ? "" : ` (value: ${String(value)})`;
  const expectation = str(m["expectation"]);
  if (expectation !== null) return `${field === null ? "" : `${field}: `}${expectation}${valueText}`;
  const error = str(m["error"]);
  if (error !== null) return `${field === null ? "" : `${field}: `}${error}${valueText}`;
  return JSON.stringify(m);
}

/** The failure's messages (`messages`, `message`, or the failure itself). */
function failureMessages(type: string, failure: unknown): string[] {
  if (!isObject(failure)) return failure === undefined ? [] : [messageText(failure)];
  if (Array.isArray(failure["messages"])) return failure["messages"].map(messageText);
  if (failure["message"] !== undefined) return [messageText(failure["message"])];
  if (type === "size_violation") {
    return [
      `${str(failure["expectation"]) ?? "too large"} (${String(failure["actualSizeBytes"])} bytes, at most ${String(failure["maximumAllowedSizeBytes"])})`,
    ];
  }
  if (Array.isArray(failure["errors"])) return failure["errors"].map(messageText);
  return [messageText(failure)];
}

function nvps(v: unknown): NVP[] {
  if (!Array.isArray(v)) return [];
  return v
    .filter(isObject)
    .map((p) => ({ name: str(p["name"]) ?? "", value: str(p["value"]) }))
    .filter((p) => p.name !== "");
}

function date(v: unknown): Date | null {
  if (typeof v !== "string") return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

const headers = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((h): h is string => typeof h === "string") : [];

/** What RawEvent and CollectorPayload JSON both say of the HTTP request, in their order. */
function requestFacts(j: Record<string, unknown>) {
  return {
    encoding: str(j["encoding"]) ?? "UTF-8",
    hostname: str(j["hostname"]),
    timestamp: date(j["timestamp"]),
    ipAddress: str(j["ipAddress"]),
    useragent: str(j["useragent"]),
    refererUri: str(j["refererUri"]),
    headers: headers(j["headers"]),
  };
}

/** A bad row's `raw` (snowplow-badrows RawEvent JSON), or null when it is not one. */
export function rawEventFromJson(j: unknown): RawEvent | null {
  if (!isObject(j) || typeof j["vendor"] !== "string" || typeof j["version"] !== "string") return null;
  return {
    vendor: j["vendor"],
    version: j["version"],
    parameters: nvps(j["parameters"]),
    contentType: str(j["contentType"]),
    loaderName: str(j["loaderName"]) ?? "",
    ...requestFacts(j),
    userId: str(j["userId"]),
  };
}

/** A bad row's collector payload (snowplow-badrows CollectorPayload JSON), or null. */
export function collectorPayloadFromJson(j: unknown): CollectorPayload | null {
  if (!isObject(j) || typeof j["vendor"] !== "string" || typeof j["version"] !== "string") return null;
  return {
    vendor: j["vendor"],
    version: j["version"],
    querystring: nvps(j["querystring"]),
    contentType: str(j["contentType"]),
    body: str(j["body"]),
    collector: str(j["collector"]) ?? "",
    ...requestFacts(j),
    networkUserId: str(j["networkUserId"]),
  };
}

const unreadable = (why: string, text: string): BadRowReading => ({
  type: "unreadable",
  schema: null,
  messages: [why],
  rawEvent: null,
  collectorPayload: null,
  eventId: null,
  rawPayload: text,
});

/** Reads one bad-1 record's text. */
export function readBadRow(text: string): BadRowReading {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return unreadable("not JSON", text);
  }
  if (!isObject(json) || typeof json["schema"] !== "string" || !isObject(json["data"]))
    return unreadable("not a self-describing JSON", text);
  const schema = json["schema"];
  const type = BAD_ROW_SCHEMA.exec(schema)?.[1] ?? "unreadable";
  const data = json["data"];
  const payload = data["payload"];
  let rawEvent: RawEvent | null = null;
  let collectorPayload: CollectorPayload | null = null;
  let rawPayload: string | null = null;
  if (typeof payload === "string") rawPayload = payload;
  else if (isObject(payload)) {
    if (isObject(payload["raw"])) rawEvent = rawEventFromJson(payload["raw"]);
    else collectorPayload = collectorPayloadFromJson(payload);
  }
  const eventId = rawEvent?.parameters.find((p) => p.name === "eid")?.value ?? null;
  return {
    type,
    schema,
    messages: failureMessages(type, data["failure"]).map(clip),
    rawEvent,
    collectorPayload,
    eventId,
    rawPayload,
  };
}
