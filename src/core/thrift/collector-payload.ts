/**
 * @module
 * The collector's raw record: Snowplow's `CollectorPayload` Thrift struct in TBinaryProtocol, the
 * bytes every Snowplow collector writes to Kinesis, Kafka, Pub/Sub and NSQ and every enrich reads.
 *
 * Field ids and types follow Snowplow's IDL (`collector-payload-1`), not the different ids Iglu
 * Central embeds. The encoder runs once per tracked request on the collector's hot path, so it
 * writes with native `encodeInto` into a reused buffer and allocates only the exact-size result.
 * The decoder reads hostile input: it returns a typed error instead of throwing, checks every
 * length against the bytes left before it allocates, and skips unknown fields with a depth
 * limit, as libthrift's generated code does.
 * A stream record holds exactly one struct, so `decodeCollectorPayload` rejects bytes after its
 * STOP; `readCollectorPayload` returns where a struct ended, to walk records laid end to end.
 *
 * @example
 * ```ts
 * const bytes = encodeCollectorPayload({ schema: COLLECTOR_PAYLOAD_SCHEMA, timestamp: Date.now(), path: "/i" });
 * const back = decodeCollectorPayload(bytes); // { ok: true, value: { timestamp: …, path: "/i", schema: … } }
 * ```
 */
import { err, ok, type Result } from "../result.ts";

/** The Iglu URI Snowplow collectors put in field 31337; enrich accepts `…/thrift/1-0-*`. */
export const COLLECTOR_PAYLOAD_SCHEMA = "iglu:com.snowplowanalytics.snowplow/CollectorPayload/thrift/1-0-0";

/**
 * One raw request as the collector saw it. Names are the IDL's. Fields of default requiredness
 * (schema, ipAddress, encoding, collector) are skipped on the wire when absent, like the optional
 * ones; the i64 timestamp (epoch milliseconds) always is written, as 0 when the struct never set it.
 */
export interface CollectorPayload {
  schema?: string;
  ipAddress?: string;
  timestamp: number;
  encoding?: string;
  collector?: string;
  userAgent?: string;
  refererUri?: string;
  path?: string;
  querystring?: string;
  body?: string;
  /** Every request header as `Name: value`, then the lowercased Content-Type as a bare value. */
  headers?: string[];
  contentType?: string;
  hostname?: string;
  networkUserId?: string;
}

/** A field of the IDL: id, name and Thrift type, in the IDL's declaration order (schema first). */
export interface CollectorPayloadField {
  readonly id: number;
  readonly name: keyof CollectorPayload;
  readonly type: "string" | "i64" | "list<string>";
}

/** The IDL in declaration order. Ids ascend on the wire, which is why schema comes last there. */
export const COLLECTOR_PAYLOAD_FIELDS: readonly CollectorPayloadField[] = [
  { id: 31337, name: "schema", type: "string" },
  { id: 100, name: "ipAddress", type: "string" },
  { id: 200, name: "timestamp", type: "i64" },
  { id: 210, name: "encoding", type: "string" },
  { id: 220, name: "collector", type: "string" },
  { id: 300, name: "userAgent", type: "string" },
  { id: 310, name: "refererUri", type: "string" },
  { id: 320, name: "path", type: "string" },
  { id: 330, name: "querystring", type: "string" },
  { id: 340, name: "body", type: "string" },
  { id: 350, name: "headers", type: "list<string>" },
  { id: 360, name: "contentType", type: "string" },
  { id: 400, name: "hostname", type: "string" },
  { id: 410, name: "networkUserId", type: "string" },
];

/** Why a record could not be read. */
export type ThriftDecodeErrorKind =
  /** The input ends inside a fixed-size part: a type byte, field id, length, count or number. */
  | "truncated"
  /** A type byte that is not a Thrift type, met where a value had to be read or skipped. */
  | "invalid-type"
  /** A string length or container count below zero. */
  | "negative-length"
  /** A string length or container count that cannot fit in the bytes left. */
  | "length-exceeds-input"
  /** Unknown fields nested deeper than libthrift's skip limit. */
  | "depth-exceeded"
  /** A timestamp outside ±(2^53 − 1), which a JS number cannot hold exactly. */
  | "unsafe-integer"
  /** Bytes after the struct's STOP byte where exactly one struct was expected. */
  | "trailing-bytes";

/** A decode failure: what went wrong, at which byte of the input, in one readable sentence. */
export interface ThriftDecodeError {
  readonly kind: ThriftDecodeErrorKind;
  /** Index into the input of the element that failed (a field header, length or value). */
  readonly offset: number;
  readonly message: string;
}

// Thrift type ids (Thrift `TType`, the binary protocol spec in thrift/doc/specs).
const STOP = 0;
const BOOL = 2;
const BYTE = 3;
const DOUBLE = 4;
const I16 = 6;
const I32 = 8;
const I64 = 10;
const STRING = 11;
const STRUCT = 12;
const MAP = 13;
const SET = 14;
const LIST = 15;
const UUID = 16;

/** The skip depth limit of the `thrift` package's `TBinaryProtocol.skip`; levels count from 1. */
const MAX_SKIP_DEPTH = 64;

const TWO_POW_32 = 2 ** 32;

const utf8Encoder = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF, which the default would silently drop, so strings round-trip.
// Non-fatal: malformed UTF-8 becomes U+FFFD, as Java's `new String(bytes, UTF_8)` in libthrift does.
const utf8Decoder = new TextDecoder("utf-8", { ignoreBOM: true });

// ---------------------------------------------------------------------------------------------
// Encoding

/**
 * Records are written into this reused buffer, then copied out at their exact size: one
 * allocation per record. Bounding each string at 3 bytes per UTF-16 unit (a surrogate pair is 4
 * bytes for 2 units) avoids measuring UTF-8 lengths in JavaScript first, which costs more than the
 * native `encodeInto` itself: it made a 2.5 KB record (bench/thrift.ts) about twice as slow.
 */
let scratch = new Uint8Array(16 * 1024);
/** A record bound above this gets a one-off buffer, so one huge POST does not pin memory. */
const SCRATCH_LIMIT = 1024 * 1024;

/** At most this many bytes for a string field: type byte, i16 id, i32 length, UTF-8. */
const stringFieldBound = (s: string | undefined): number => (s === undefined ? 0 : 7 + 3 * s.length);

function writeFieldHeader(out: Uint8Array, pos: number, type: number, id: number): number {
  out[pos] = type;
  out[pos + 1] = id >>> 8;
  out[pos + 2] = id & 0xff;
  return pos + 3;
}

function writeI32(out: Uint8Array, pos: number, v: number): number {
  out[pos] = v >>> 24;
  out[pos + 1] = (v >>> 16) & 0xff;
  out[pos + 2] = (v >>> 8) & 0xff;
  out[pos + 3] = v & 0xff;
  return pos + 4;
}

function writeString(out: Uint8Array, pos: number, s: string): number {
  // Short strings (ids, IPs, "UTF-8") are cheaper to copy by hand than to hand to a native call
  // through a new subarray; once one holds a non-ASCII unit, TextEncoder writes the whole string.
  if (s.length <= 32) {
    let p = pos + 4;
    let i = 0;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      out[p++] = c;
    }
    if (i === s.length) {
      writeI32(out, pos, s.length);
      return p;
    }
  }
  const { written } = utf8Encoder.encodeInto(s, out.subarray(pos + 4));
  writeI32(out, pos, written);
  return pos + 4 + written;
}

function writeStringField(out: Uint8Array, pos: number, id: number, s: string | undefined): number {
  if (s === undefined) return pos;
  return writeString(out, writeFieldHeader(out, pos, STRING, id), s);
}

/**
 * Serializes `p` exactly as libthrift's `TSerializer` (TBinaryProtocol) does for Snowplow's
 * generated class: fields in ascending id order, absent strings and headers skipped, timestamp
 * always written, then STOP. Lone surrogates become U+FFFD, as in Java and Node.
 *
 * @throws RangeError when `timestamp` is not a safe integer: a caller bug, not a data error.
 */
export function encodeCollectorPayload(p: CollectorPayload): Uint8Array {
  const ts = p.timestamp ?? 0;
  if (!Number.isSafeInteger(ts)) {
    throw new RangeError(`CollectorPayload.timestamp must be a safe integer, got ${ts}`);
  }
  const headers = p.headers;

  let bound =
    1 + // STOP
    11 + // timestamp: header + 8 bytes
    stringFieldBound(p.ipAddress) +
    stringFieldBound(p.encoding) +
    stringFieldBound(p.collector) +
    stringFieldBound(p.userAgent) +
    stringFieldBound(p.refererUri) +
    stringFieldBound(p.path) +
    stringFieldBound(p.querystring) +
    stringFieldBound(p.body) +
    stringFieldBound(p.contentType) +
    stringFieldBound(p.hostname) +
    stringFieldBound(p.networkUserId) +
    stringFieldBound(p.schema);
  if (headers !== undefined) {
    bound += 8; // field header, element type, count
    for (let i = 0; i < headers.length; i++) bound += 4 + 3 * headers[i]!.length;
  }
  let out = scratch;
  if (bound > out.length) {
    out = new Uint8Array(bound);
    if (bound <= SCRATCH_LIMIT) scratch = out;
  }

  let pos = writeStringField(out, 0, 100, p.ipAddress);

  pos = writeFieldHeader(out, pos, I64, 200);
  // Big-endian two's complement split into 32-bit halves; exact for every safe integer.
  const hi = Math.floor(ts / TWO_POW_32);
  pos = writeI32(out, pos, hi | 0);
  pos = writeI32(out, pos, ts - hi * TWO_POW_32);

  pos = writeStringField(out, pos, 210, p.encoding);
  pos = writeStringField(out, pos, 220, p.collector);
  pos = writeStringField(out, pos, 300, p.userAgent);
  pos = writeStringField(out, pos, 310, p.refererUri);
  pos = writeStringField(out, pos, 320, p.path);
  pos = writeStringField(out, pos, 330, p.querystring);
  pos = writeStringField(out, pos, 340, p.body);
  if (headers !== undefined) {
    pos = writeFieldHeader(out, pos, LIST, 350);
    out[pos++] = STRING;
    pos = writeI32(out, pos, headers.length);
    for (let i = 0; i < headers.length; i++) pos = writeString(out, pos, headers[i]!);
  }
  pos = writeStringField(out, pos, 360, p.contentType);
  pos = writeStringField(out, pos, 400, p.hostname);
  pos = writeStringField(out, pos, 410, p.networkUserId);
  pos = writeStringField(out, pos, 31337, p.schema);
  out[pos++] = STOP;
  return out.slice(0, pos);
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** Read position and the first failure; readers return `undefined`/`false` once it is set. */
class Cursor {
  pos: number;
  failure: ThriftDecodeError | undefined;
  readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    start: number,
  ) {
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(kind: ThriftDecodeErrorKind, offset: number, message: string): undefined {
    this.failure = { kind, offset, message };
    return undefined;
  }

  /** True when `n` more bytes are there; otherwise records a truncation of `what`. */
  has(n: number, what: string): boolean {
    if (this.pos + n <= this.bytes.length) return true;
    const left = this.bytes.length - this.pos;
    const total = this.bytes.length;
    this.fail(
      "truncated",
      this.pos,
      `${what} at byte ${this.pos} needs ${n} byte${n === 1 ? "" : "s"} but the ${total}-byte input has ${left} left`,
    );
    return false;
  }

  i32(): number {
    const v = this.view.getInt32(this.pos);
    this.pos += 4;
    return v;
  }
}

/** Reads a container size or string length and checks it against the bytes left. */
function readLength(c: Cursor, what: string, minElementSize: number): number | undefined {
  const at = c.pos;
  if (!c.has(4, `a ${what}`)) return undefined;
  const n = c.i32();
  if (n < 0) return c.fail("negative-length", at, `negative ${what} ${n} at byte ${at}`);
  const left = c.bytes.length - c.pos;
  // Checked before any allocation or loop, so a corrupt length costs nothing (libthrift 0.14+
  // does the same with `checkReadBytesAvailable`).
  if (n * minElementSize > left) {
    return c.fail("length-exceeds-input", at, `${what} ${n} at byte ${at} exceeds the ${left} bytes left`);
  }
  return n;
}

function readString(c: Cursor): string | undefined {
  const n = readLength(c, "string length", 1);
  if (n === undefined) return undefined;
  const start = c.pos;
  c.pos += n;
  return utf8Decoder.decode(c.bytes.subarray(start, start + n));
}

/** The fewest bytes a value of `type` takes, or 0 when `type` is not a Thrift type. */
function minSize(type: number): number {
  switch (type) {
    case BOOL:
    case BYTE:
    case STRUCT: // at least its STOP byte
      return 1;
    case I16:
      return 2;
    case I32:
    case STRING:
    case MAP:
    case SET:
    case LIST:
      return 4;
    case DOUBLE:
    case I64:
      return 8;
    case UUID:
      return 16;
    default:
      return 0;
  }
}

/** Skips one value of `type`, as `TProtocolUtil.skip` does; `depth` starts at 1 for a field. */
function skip(c: Cursor, type: number, depth: number): boolean {
  const at = c.pos;
  if (depth > MAX_SKIP_DEPTH) {
    c.fail("depth-exceeded", at, `unknown fields nested deeper than ${MAX_SKIP_DEPTH} levels at byte ${at}`);
    return false;
  }
  switch (type) {
    case STRUCT:
      for (;;) {
        if (!c.has(1, "a nested field type")) return false;
        const ftype = c.bytes[c.pos++]!;
        if (ftype === STOP) return true;
        if (!c.has(2, "a nested field id")) return false;
        c.pos += 2;
        if (!skip(c, ftype, depth + 1)) return false;
      }
    case MAP: {
      if (!c.has(2, "map key and value types")) return false;
      const ktype = c.bytes[c.pos++]!;
      const vtype = c.bytes[c.pos++]!;
      const n = readLength(c, "map size", minSize(ktype) + minSize(vtype));
      if (n === undefined) return false;
      for (let i = 0; i < n; i++) if (!skip(c, ktype, depth + 1) || !skip(c, vtype, depth + 1)) return false;
      return true;
    }
    case SET:
    case LIST: {
      if (!c.has(1, "an element type")) return false;
      const etype = c.bytes[c.pos++]!;
      const n = readLength(c, type === SET ? "set size" : "list size", minSize(etype));
      if (n === undefined) return false;
      for (let i = 0; i < n; i++) if (!skip(c, etype, depth + 1)) return false;
      return true;
    }
    case STRING: {
      const n = readLength(c, "string length", 1);
      if (n === undefined) return false;
      c.pos += n;
      return true;
    }
    default: {
      const size = minSize(type);
      if (size === 0) {
        c.fail("invalid-type", at, `invalid Thrift type ${type} at byte ${at}`);
        return false;
      }
      if (!c.has(size, `a value of Thrift type ${type}`)) return false;
      c.pos += size;
      return true;
    }
  }
}

function readTimestamp(c: Cursor): number | undefined {
  const at = c.pos;
  if (!c.has(8, "the timestamp")) return undefined;
  const hi = c.view.getInt32(at);
  const lo = c.view.getUint32(at + 4);
  c.pos += 8;
  // hi·2^32 is exact; adding lo rounds only beyond 2^53, which the safe-integer check then rejects.
  const v = hi * TWO_POW_32 + lo;
  if (!Number.isSafeInteger(v)) {
    const exact = c.view.getBigInt64(at);
    return c.fail("unsafe-integer", at, `timestamp ${exact} at byte ${at} is not a safe JavaScript integer`);
  }
  return v;
}

function readHeaders(c: Cursor): string[] | undefined {
  if (!c.has(1, "the headers element type")) return undefined;
  // The element type is not checked: generated code reads strings whatever it says, and so do we.
  c.pos++;
  const n = readLength(c, "headers list size", 4);
  if (n === undefined) return undefined;
  const headers = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const s = readString(c);
    if (s === undefined) return undefined;
    headers[i] = s;
  }
  return headers;
}

/** Reads one struct at `c.pos`, leaving `c.pos` just past its STOP byte. */
function readStruct(c: Cursor): CollectorPayload | undefined {
  const p: CollectorPayload = { timestamp: 0 };
  const bytes = c.bytes;
  for (;;) {
    if (!c.has(1, "a field type")) return undefined;
    const type = bytes[c.pos++]!;
    if (type === STOP) return p;
    if (!c.has(2, "a field id")) return undefined;
    const id = (bytes[c.pos]! << 8) | bytes[c.pos + 1]!;
    c.pos += 2;
    // A known id with another type is skipped, like an unknown field: that is what libthrift's
    // generated `read` does. A repeated field overwrites the earlier one, also as libthrift does.
    if (type === STRING) {
      let key: keyof CollectorPayload | undefined;
      switch (id) {
        case 100:
          key = "ipAddress";
          break;
        case 210:
          key = "encoding";
          break;
        case 220:
          key = "collector";
          break;
        case 300:
          key = "userAgent";
          break;
        case 310:
          key = "refererUri";
          break;
        case 320:
          key = "path";
          break;
        case 330:
          key = "querystring";
          break;
        case 340:
          key = "body";
          break;
        case 360:
          key = "contentType";
          break;
        case 400:
          key = "hostname";
          break;
        case 410:
          key = "networkUserId";
          break;
        case 31337:
          key = "schema";
          break;
      }
      if (key !== undefined) {
        const s = readString(c);
        if (s === undefined) return undefined;
        (p as unknown as Record<string, string>)[key] = s;
        continue;
      }
    } else if (type === I64 && id === 200) {
      const ts = readTimestamp(c);
      if (ts === undefined) return undefined;
      p.timestamp = ts;
      continue;
    } else if (type === LIST && id === 350) {
      const headers = readHeaders(c);
      if (headers === undefined) return undefined;
      p.headers = headers;
      continue;
    }
    if (!skip(c, type, 1)) return undefined;
  }
}

/**
 * Reads the struct that starts at `offset` and returns it with `end`, the index just past its
 * STOP byte. Bytes after that are left alone, as libthrift's `TDeserializer` leaves them; use this
 * to walk a file of concatenated records, or to accept a record with trailing bytes.
 *
 * @throws RangeError when `offset` is not a non-negative integer: a caller bug.
 */
export function readCollectorPayload(
  bytes: Uint8Array,
  offset = 0,
): Result<{ payload: CollectorPayload; end: number }, ThriftDecodeError> {
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`offset must be an index, got ${offset}`);
  const c = new Cursor(bytes, offset);
  const payload = readStruct(c);
  if (payload === undefined) return err(c.failure!);
  return ok({ payload, end: c.pos });
}

/**
 * Decodes a record that must hold exactly one struct, as a Kinesis, Kafka or Pub/Sub record
 * does: bytes after the STOP byte are a `trailing-bytes` error, since they mean the record was
 * corrupted or two were glued together. (libthrift would ignore them; `readCollectorPayload` does.)
 */
export function decodeCollectorPayload(bytes: Uint8Array): Result<CollectorPayload, ThriftDecodeError> {
  const c = new Cursor(bytes, 0);
  const payload = readStruct(c);
  if (payload === undefined) return err(c.failure!);
  if (c.pos !== bytes.length) {
    const extra = bytes.length - c.pos;
    return err({
      kind: "trailing-bytes",
      offset: c.pos,
      message: `the struct ends at byte ${c.pos}, followed by ${extra} more byte${extra === 1 ? "" : "s"}`,
    });
  }
  return ok(payload);
}
