/**
 * @module
 * Test oracle: `CollectorPayload` written and read through the Apache `thrift` npm package's
 * `TBinaryProtocol`, in the shape of the code the Thrift compiler generates for Snowplow's IDL.
 * Tests and the benchmark compare our codec with it (`verdictAgainstReference`, the fuzz tests'
 * judge); production code never imports it (it needs Node's `Buffer`, which the core does not use).
 */
import thrift from "thrift";
import {
  COLLECTOR_PAYLOAD_FIELDS,
  type CollectorPayload,
  decodeCollectorPayload,
  encodeCollectorPayload,
  readCollectorPayload,
} from "./collector-payload.ts";

const Type = thrift.Thrift.Type;

/** Writes `p` field by field in ascending id order, as libthrift's generated `write` does. */
export function referenceEncode(p: CollectorPayload): Uint8Array {
  let out: Uint8Array | undefined;
  const transport = new thrift.TBufferedTransport(undefined, (msg) => {
    out = msg as Uint8Array;
  });
  const proto = new thrift.TBinaryProtocol(transport);
  const str = (id: number, name: string, v: string | undefined): void => {
    if (v === undefined) return;
    proto.writeFieldBegin(name, Type.STRING, id);
    proto.writeString(v);
    proto.writeFieldEnd();
  };
  proto.writeStructBegin("CollectorPayload");
  str(100, "ipAddress", p.ipAddress);
  proto.writeFieldBegin("timestamp", Type.I64, 200);
  proto.writeI64(p.timestamp);
  proto.writeFieldEnd();
  str(210, "encoding", p.encoding);
  str(220, "collector", p.collector);
  str(300, "userAgent", p.userAgent);
  str(310, "refererUri", p.refererUri);
  str(320, "path", p.path);
  str(330, "querystring", p.querystring);
  str(340, "body", p.body);
  if (p.headers !== undefined) {
    proto.writeFieldBegin("headers", Type.LIST, 350);
    proto.writeListBegin(Type.STRING, p.headers.length);
    for (const h of p.headers) proto.writeString(h);
    proto.writeListEnd();
    proto.writeFieldEnd();
  }
  str(360, "contentType", p.contentType);
  str(400, "hostname", p.hostname);
  str(410, "networkUserId", p.networkUserId);
  str(31337, "schema", p.schema);
  proto.writeFieldStop();
  proto.writeStructEnd();
  proto.flush();
  return new Uint8Array(out!);
}

/** The oracle's verdict on an input: the struct and where it ended, or the library's error. */
export type ReferenceDecoded =
  | { readonly ok: true; readonly payload: CollectorPayload; readonly end: number }
  | { readonly ok: false; readonly error: string };

const STRING_FIELDS = new Map<number, keyof CollectorPayload>([
  [100, "ipAddress"],
  [210, "encoding"],
  [220, "collector"],
  [300, "userAgent"],
  [310, "refererUri"],
  [320, "path"],
  [330, "querystring"],
  [340, "body"],
  [360, "contentType"],
  [400, "hostname"],
  [410, "networkUserId"],
  [31337, "schema"],
]);

/**
 * Reads one struct from the start of `bytes` as generated code does: a known id with its type is
 * read, anything else goes to the protocol's `skip`. Two checks are added so the oracle speaks
 * for Java libthrift (what Snowplow's enrich runs) where the Node library is laxer: a negative
 * headers count is an error (Java's `checkContainerReadLength`), and so is a timestamp a JS
 * number cannot hold.
 */
export function referenceDecode(bytes: Uint8Array): ReferenceDecoded {
  let result: ReferenceDecoded = { ok: false, error: "receiver never called" };
  const receive = thrift.TBufferedTransport.receiver((transport) => {
    try {
      const proto = new thrift.TBinaryProtocol(transport);
      const p: CollectorPayload = { timestamp: 0 };
      proto.readStructBegin();
      for (;;) {
        const { ftype, fid } = proto.readFieldBegin();
        if (ftype === Type.STOP) break;
        const key = STRING_FIELDS.get(fid);
        if (key !== undefined && ftype === Type.STRING) {
          (p as unknown as Record<string, string>)[key] = proto.readString();
        } else if (fid === 200 && ftype === Type.I64) {
          const raw = proto.readI64().buffer;
          const v = Number(new DataView(raw.buffer, raw.byteOffset, 8).getBigInt64(0));
          if (!Number.isSafeInteger(v)) throw new Error(`timestamp ${v} is not a safe integer`);
          p.timestamp = v;
        } else if (fid === 350 && ftype === Type.LIST) {
          const { size } = proto.readListBegin();
          if (size < 0) throw new Error(`negative list size ${size}`);
          const headers: string[] = [];
          for (let i = 0; i < size; i++) headers.push(proto.readString());
          proto.readListEnd();
          p.headers = headers;
        } else {
          proto.skip(ftype);
        }
        proto.readFieldEnd();
      }
      proto.readStructEnd();
      result = { ok: true, payload: p, end: (transport as unknown as { readCursor: number }).readCursor };
    } catch (e) {
      result = { ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
    }
  }, 0);
  receive(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return result;
}

/** JSON with the IDL's key order, so structs read in different wire orders compare equal. */
export const canonicalPayload = (p: CollectorPayload): string => JSON.stringify(p, FIELD_NAMES);
const FIELD_NAMES = COLLECTOR_PAYLOAD_FIELDS.map((f) => f.name);

/**
 * Decodes `input` with our codec and with the reference and compares, as the fuzz tests judge
 * it. Returns undefined for an agreed failure, "ok" for an agreed struct (which also re-encodes
 * and decodes to itself), "threw" if our decoder threw, or a description of a disagreement.
 */
export function verdictAgainstReference(input: Uint8Array): string | undefined {
  let ours: ReturnType<typeof readCollectorPayload>;
  try {
    ours = readCollectorPayload(input);
    const whole = decodeCollectorPayload(input);
    if (whole.ok !== (ours.ok && ours.value.end === input.length)) return "decode and read disagree";
  } catch {
    return "threw";
  }
  const ref = referenceDecode(input);
  if (!ours.ok) {
    const { kind, offset } = ours.error;
    if (offset < 0 || offset > input.length) return `error offset ${offset} outside the input`;
    // The Node library loops zero times over a negative container size; Java libthrift, which
    // Snowplow's enrich runs, rejects it as we do.
    if (ref.ok && kind !== "negative-length") return `we reject (${ours.error.message}), thrift accepts`;
    return undefined;
  }
  if (!ref.ok) {
    // Thrift's UUID type (16) is any 16 bytes; the Node library alone insists they form an RFC
    // 4122 UUID while skipping them. (Java libthrift 0.15 predates the type and rejects it.)
    if (ref.error.includes("UUID")) return undefined;
    return `we accept, thrift rejects (${ref.error})`;
  }
  if (ref.end !== ours.value.end) return `struct ends at ${ours.value.end}, thrift says ${ref.end}`;
  if (canonicalPayload(ref.payload) !== canonicalPayload(ours.value.payload)) return "different structs";
  // A decoded struct re-encodes and decodes to itself.
  const again = decodeCollectorPayload(encodeCollectorPayload(ours.value.payload));
  if (!again.ok || canonicalPayload(again.value) !== canonicalPayload(ours.value.payload))
    return "no round trip";
  return "ok";
}
