/** @module Tests for the CollectorPayload codec: reference vectors, fixtures, errors, and the `thrift` package as oracle. */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { sharedDir, sharedMissing } from "../../../test/support/shared.ts";
import { decodeBase64, encodeBase64 } from "./base64.ts";
import {
  COLLECTOR_PAYLOAD_FIELDS,
  COLLECTOR_PAYLOAD_SCHEMA,
  type CollectorPayload,
  decodeCollectorPayload,
  encodeCollectorPayload,
  readCollectorPayload,
  type ThriftDecodeError,
} from "./collector-payload.ts";
import { referenceDecode, referenceEncode } from "./reference-codec.test-support.ts";
import { parseFixture, parseThriftVectors, type ThriftVector } from "./thrift-vectors.test-support.ts";

const fixturesDir = fileURLToPath(new URL("../../../fixtures/thrift/", import.meta.url));
const fixtures = readdirSync(fixturesDir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => {
    const name = f.slice(0, -".json".length);
    const b64 = readFileSync(`${fixturesDir}${name}.b64`, "utf8").trim();
    return { name, payload: parseFixture(readFileSync(`${fixturesDir}${f}`, "utf8")), bytes: bytesOf(b64) };
  });

function bytesOf(b64: string): Uint8Array {
  const r = decodeBase64(b64);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function decodeOk(bytes: Uint8Array): CollectorPayload {
  const r = decodeCollectorPayload(bytes);
  if (!r.ok) throw new Error(`expected a payload, got ${r.error.kind}: ${r.error.message}`);
  return r.value;
}

function decodeErr(bytes: Uint8Array): ThriftDecodeError {
  const r = decodeCollectorPayload(bytes);
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.value)}`);
  return r.error;
}

/** Bytes from a mix of numbers (one byte each) and strings (UTF-8), for hand-built records. */
function bytes(...parts: (number | string | Uint8Array)[]): Uint8Array {
  const chunks = parts.map((p) =>
    typeof p === "number" ? Uint8Array.of(p) : typeof p === "string" ? new TextEncoder().encode(p) : p,
  );
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let pos = 0;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}
const i16 = (v: number) => Uint8Array.of((v >>> 8) & 0xff, v & 0xff);
const i32 = (v: number) => Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
const str = (s: string) => {
  const b = new TextEncoder().encode(s);
  return bytes(i32(b.length), b);
};
const stringField = (id: number, s: string) => bytes(11, i16(id), str(s));

describe("reference vectors (../shared/reference/thrift-vectors.md)", () => {
  // Read once for the three tests; without ../shared they skip, and this says why.
  const vectors = ((): ThriftVector[] => {
    if (sharedDir)
      return parseThriftVectors(readFileSync(`${sharedDir}/reference/thrift-vectors.md`, "utf8"));
    sharedMissing("the CollectorPayload reference vectors");
    return [];
  })();

  test.skipIf(!sharedDir)("the document lists vectors and our field table agrees with it", () => {
    expect(vectors.map((v) => v.name)).toEqual(["V1", "V3"]);
    for (const v of vectors) {
      for (const f of v.fields) {
        expect(COLLECTOR_PAYLOAD_FIELDS.find((ours) => ours.id === f.id)).toEqual({
          id: f.id,
          name: f.name as keyof CollectorPayload,
          type: f.type as "string",
        });
      }
    }
  });

  test.skipIf(!sharedDir)("each decodes to the listed values and re-encodes to identical bytes", () => {
    for (const v of vectors) {
      const raw = bytesOf(v.base64);
      expect(raw.length).toBe(v.size);
      const decoded = decodeOk(raw);
      expect(decoded).toStrictEqual(v.expected);
      expect(encodeCollectorPayload(decoded)).toEqual(raw);
      expect(encodeBase64(encodeCollectorPayload(v.expected))).toBe(v.base64);
    }
  });

  test.skipIf(!sharedDir)("the thrift package reads and writes them the same way", () => {
    for (const v of vectors) {
      const raw = bytesOf(v.base64);
      expect(referenceDecode(raw)).toEqual({ ok: true, payload: v.expected, end: raw.length });
      expect(referenceEncode(v.expected)).toEqual(raw);
    }
  });
});

describe("fixtures/thrift", () => {
  test("holds the records the suite relies on", () => {
    expect(fixtures.map((f) => f.name).sort()).toEqual([
      "empty-values",
      "every-field",
      "get-pixel",
      "minimal",
      "tp2-post",
      "unicode",
    ]);
    const every = fixtures.find((f) => f.name === "every-field")!.payload;
    expect(Object.keys(every).sort()).toEqual(COLLECTOR_PAYLOAD_FIELDS.map((f) => f.name).sort());
  });

  for (const f of fixtures) {
    test(`${f.name}: decodes to its JSON, re-encodes to its bytes, and matches the thrift package`, () => {
      expect(decodeOk(f.bytes)).toStrictEqual(f.payload);
      const encoded = encodeCollectorPayload(f.payload);
      expect(encoded).toEqual(f.bytes);
      // One exact allocation: no slack behind the record.
      expect(encoded.buffer.byteLength).toBe(encoded.length);
      expect(referenceEncode(f.payload)).toEqual(f.bytes);
      expect(referenceDecode(f.bytes)).toEqual({ ok: true, payload: f.payload, end: f.bytes.length });
    });
  }

  test("the minimal record is a timestamp of 0 and STOP, 12 bytes", () => {
    expect(encodeCollectorPayload({ timestamp: 0 })).toEqual(bytes(10, i16(200), new Uint8Array(8), 0));
  });

  test("a record of only querystring = 1000 × 'x' is 1019 bytes (Snowplow's SplitBatchSpec)", () => {
    expect(encodeCollectorPayload({ timestamp: 0, querystring: "x".repeat(1000) }).length).toBe(1019);
  });
});

describe("encoding", () => {
  test("writes fields in ascending id order with schema last", () => {
    const out = encodeCollectorPayload({
      schema: COLLECTOR_PAYLOAD_SCHEMA,
      timestamp: 1,
      path: "/i",
      ipAddress: "1",
    });
    expect(out).toEqual(
      bytes(
        stringField(100, "1"),
        10,
        i16(200),
        i32(0),
        i32(1),
        stringField(320, "/i"),
        stringField(31337, COLLECTOR_PAYLOAD_SCHEMA),
        0,
      ),
    );
  });

  test("writes negative and large timestamps as big-endian two's complement", () => {
    const ts = (t: number) => encodeCollectorPayload({ timestamp: t }).subarray(3, 11);
    expect(ts(-1)).toEqual(new Uint8Array(8).fill(0xff));
    expect(ts(Number.MAX_SAFE_INTEGER)).toEqual(Uint8Array.of(0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
    expect(ts(Number.MIN_SAFE_INTEGER)).toEqual(Uint8Array.of(0xff, 0xe0, 0, 0, 0, 0, 0, 1));
    expect(ts(2 ** 32)).toEqual(Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 0));
    for (const t of [-1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 32, -(2 ** 32) - 1]) {
      expect(decodeOk(encodeCollectorPayload({ timestamp: t })).timestamp).toBe(t);
    }
  });

  test("returns records that own their bytes, whatever the size, though it reuses a buffer inside", () => {
    const small = { timestamp: 1, path: "/a" };
    const first = encodeCollectorPayload(small);
    const firstCopy = first.slice();
    // Over the reuse limit (1 MiB at 3 bytes per unit): a one-off buffer.
    const huge = { timestamp: 2, body: `${"é".repeat(200_000)}${"x".repeat(300_000)}` };
    const hugeBytes = encodeCollectorPayload(huge);
    expect(hugeBytes.length).toBe(12 + 7 + 400_000 + 300_000 + 0);
    expect(hugeBytes.buffer.byteLength).toBe(hugeBytes.length);
    expect(decodeOk(hugeBytes)).toStrictEqual(huge);
    const second = encodeCollectorPayload({ timestamp: 3, path: "/b" });
    expect(first).toEqual(firstCopy);
    expect(decodeOk(second)).toStrictEqual({ timestamp: 3, path: "/b" });
  });

  test("rejects a timestamp that is not a safe integer: that is a caller bug", () => {
    for (const t of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(() => encodeCollectorPayload({ timestamp: t })).toThrow(RangeError);
    }
  });

  test("sizes multi-byte characters and lone surrogates as TextEncoder writes them", () => {
    for (const s of ["é", "€", "😀", "\ud800", "a\udc00b", "\ud83d\ude00\ud83d", "x".repeat(40) + "é"]) {
      const out = encodeCollectorPayload({ timestamp: 0, body: s });
      expect(out).toEqual(referenceEncode({ timestamp: 0, body: s }));
      expect(decodeOk(out).body).toBe(new TextDecoder().decode(new TextEncoder().encode(s)));
    }
  });
});

describe("decoding", () => {
  const minimal = (...fields: Uint8Array[]) => bytes(...fields, 0);

  test("keeps a leading byte-order mark and NUL characters", () => {
    const p = { timestamp: 0, body: "\ufeffbody\u0000end", headers: ["\ufeff"] };
    expect(decodeOk(encodeCollectorPayload(p))).toStrictEqual(p);
  });

  test("tells an empty string and an empty list from absent ones", () => {
    const p = { timestamp: 0, querystring: "", headers: [] };
    expect(decodeOk(encodeCollectorPayload(p))).toStrictEqual(p);
    expect(decodeOk(encodeCollectorPayload({ timestamp: 0 }))).toStrictEqual({ timestamp: 0 });
  });

  test("a record without a timestamp decodes to timestamp 0, as libthrift leaves an unset i64", () => {
    expect(decodeOk(minimal(stringField(320, "/i")))).toStrictEqual({ timestamp: 0, path: "/i" });
  });

  test("skips unknown fields of every Thrift type, nested ones included", () => {
    // biome-ignore format: one unknown field per line
    const unknown = bytes(
      2, i16(1), 1, // bool
      3, i16(2), 0x7f, // byte
      4, i16(3), new Uint8Array(8), // double
      6, i16(4), i16(7), // i16
      8, i16(5), i32(-1), // i32
      10, i16(6), new Uint8Array(8), // i64
      11, i16(7), str("unknown string"), // string
      12, i16(8), 11, i16(1), str("in a struct"), 12, i16(2), 0, 0, // struct holding a struct
      13, i16(9), 11, 15, i32(1), str("key"), 8, i32(2), i32(1), i32(2), // map<string, list<i32>>
      14, i16(10), 6, i32(2), i16(1), i16(2), // set<i16>
      15, i16(11), 12, i32(2), 0, 2, i16(1), 0, 0, // list<struct>
      16, i16(12), new Uint8Array(16), // uuid
    );
    const p = decodeOk(minimal(stringField(100, "ip"), unknown, stringField(31337, "s")));
    expect(p).toStrictEqual({ timestamp: 0, ipAddress: "ip", schema: "s" });
    expect(referenceDecode(minimal(stringField(100, "ip"), unknown, stringField(31337, "s")))).toEqual({
      ok: true,
      payload: p,
      end: 3 + 4 + 2 + unknown.length + 3 + 4 + 1 + 1,
    });
  });

  test("skips a known id that carries another type, and lets a repeated field win, as libthrift does", () => {
    const wrongType = bytes(8, i16(100), i32(5)); // ipAddress as an i32
    expect(decodeOk(minimal(wrongType, stringField(320, "/a"), stringField(320, "/b")))).toStrictEqual({
      timestamp: 0,
      path: "/b",
    });
  });

  test("reads headers as strings whatever element type the list declares, as generated code does", () => {
    expect(decodeOk(minimal(bytes(15, i16(350), 8, i32(1), str("h"))))).toStrictEqual({
      timestamp: 0,
      headers: ["h"],
    });
  });

  test("reports each failure with its kind and offset", () => {
    const cases: [Uint8Array, ThriftDecodeError["kind"], number][] = [
      [bytes(), "truncated", 0],
      [bytes(11, 0), "truncated", 1],
      [bytes(11, i16(100), 0, 0), "truncated", 3],
      [bytes(11, i16(100), i32(-1)), "negative-length", 3],
      [bytes(11, i16(100), i32(5), "abc"), "length-exceeds-input", 3],
      [bytes(15, i16(350), 11, i32(0x7fffffff)), "length-exceeds-input", 4],
      [bytes(15, i16(350), 11, i32(-2)), "negative-length", 4],
      [bytes(15, i16(999), 10, i32(100_000), 0), "length-exceeds-input", 4],
      [bytes(13, i16(999), 11, 11, i32(1), i32(0), 0, 0, 0), "length-exceeds-input", 5],
      [bytes(10, i16(200), 0, 0x20, 0, 0, 0, 0, 0, 0, 0), "unsafe-integer", 3],
      [bytes(10, i16(200), 0xff, 0xe0, 0, 0, 0, 0, 0, 0, 0), "unsafe-integer", 3],
      [bytes(9, i16(1), 0), "invalid-type", 3],
      [bytes(1, i16(1), 0), "invalid-type", 3],
      [bytes(0xff, i16(1), 0), "invalid-type", 3],
      [bytes(15, i16(1), 9, i32(1), 0), "invalid-type", 8],
      [bytes(0, 0), "trailing-bytes", 1],
      [bytes(encodeCollectorPayload({ timestamp: 0 }), 0xff, 0xff), "trailing-bytes", 12],
    ];
    for (const [input, kind, offset] of cases) {
      const e = decodeErr(input);
      expect({ kind: e.kind, offset: e.offset }).toEqual({ kind, offset });
      expect(e.message).toContain(`byte ${offset}`);
    }
    expect(decodeErr(bytes(10, i16(200), 0, 0x20, 0, 0, 0, 0, 0, 0, 0)).message).toBe(
      "timestamp 9007199254740992 at byte 3 is not a safe JavaScript integer",
    );
    expect(decodeErr(bytes(11, i16(100), i32(5), "abc")).message).toBe(
      "string length 5 at byte 3 exceeds the 3 bytes left",
    );
  });

  test("an empty list of an invalid element type is accepted, as libthrift accepts it", () => {
    expect(decodeOk(minimal(bytes(15, i16(1), 9, i32(0))))).toStrictEqual({ timestamp: 0 });
  });

  test("limits the nesting of unknown fields to 64 levels, like the thrift package", () => {
    // A chain of structs, each holding the next as field 1.
    const nested = (depth: number) => {
      const out = new Uint8Array(4 * depth + 1); // zeros: the STOP bytes after the headers
      for (let i = 0; i < depth; i++) out.set([12, 0, 1], 3 * i);
      return out;
    };
    expect(decodeOk(nested(64))).toStrictEqual({ timestamp: 0 });
    expect(referenceDecode(nested(64)).ok).toBe(true);
    expect(decodeErr(nested(65)).kind).toBe("depth-exceeded");
    expect(referenceDecode(nested(65)).ok).toBe(false);
    expect(decodeErr(nested(100_000)).kind).toBe("depth-exceeded");
  });

  test("does not allocate for a huge count of small elements it cannot hold", () => {
    // 2^31 − 1 bools would need 2 GiB; the check against the bytes left answers at once.
    const e = decodeErr(bytes(15, i16(1), 2, i32(0x7fffffff), 0));
    expect(e.kind).toBe("length-exceeds-input");
    expect(e.message).toBe("list size 2147483647 at byte 4 exceeds the 1 bytes left");
  });

  test("reads a struct in a larger buffer, at an offset, in a subarray", () => {
    const a = fixtures[0]!.bytes;
    const b = fixtures[1]!.bytes;
    const joined = bytes(a, b);
    const first = readCollectorPayload(joined);
    expect(first.ok && first.value.end).toBe(a.length);
    const second = readCollectorPayload(joined, a.length);
    expect(second.ok && second.value).toEqual({ payload: fixtures[1]!.payload, end: joined.length });
    const padded = bytes(0xaa, 0xbb, b, 0xcc);
    expect(decodeOk(padded.subarray(2, 2 + b.length))).toStrictEqual(fixtures[1]!.payload);
    expect(decodeErr(joined).kind).toBe("trailing-bytes");
  });
});

describe("against the thrift package, on generated payloads", () => {
  const wellFormed = fc.string({ unit: "binary", maxLength: 200 });
  const anyUnits = fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  });
  const timestamp = fc.oneof(
    fc.integer({ min: 1_000_000_000_000, max: 2_000_000_000_000 }),
    fc.maxSafeInteger(),
    fc.constantFrom(0, -1, 2 ** 31, 2 ** 32, -(2 ** 32), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
  );
  const payload = (s: fc.Arbitrary<string>): fc.Arbitrary<CollectorPayload> => {
    const model: Record<string, fc.Arbitrary<unknown>> = { timestamp };
    for (const f of COLLECTOR_PAYLOAD_FIELDS) {
      if (f.type === "string") model[f.name] = fc.oneof(s, fc.string({ maxLength: 3000 }));
      if (f.type === "list<string>") model[f.name] = fc.array(s, { maxLength: 20 });
    }
    return fc.record(model, {
      requiredKeys: ["timestamp"],
      noNullPrototype: true,
    }) as unknown as fc.Arbitrary<CollectorPayload>;
  };
  const params = { seed: 20_240_611, numRuns: 400 };

  test("our bytes are the thrift package's bytes, lone surrogates included", () => {
    fc.assert(
      fc.property(payload(anyUnits), (p) => {
        expect(encodeCollectorPayload(p)).toEqual(referenceEncode(p));
      }),
      params,
    );
  });

  test("we decode what the thrift package writes to the same struct, and it decodes ours", () => {
    fc.assert(
      fc.property(payload(wellFormed), (p) => {
        expect(decodeOk(referenceEncode(p))).toStrictEqual(p);
        const ours = encodeCollectorPayload(p);
        expect(referenceDecode(ours)).toEqual({ ok: true, payload: p, end: ours.length });
      }),
      params,
    );
  });
});
