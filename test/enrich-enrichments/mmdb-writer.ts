/**
 * @module
 * A minimal MaxMind DB writer, enough to make the tiny `.mmdb` fixtures the ip_lookups tests read
 * when `../shared` (with MaxMind's own test databases) is absent. It follows the MaxMind DB format
 * 2.0 spec (https://maxmind.github.io/MaxMind-DB/): an IPv6 search tree with 24-bit records, IPv4
 * networks stored under `::/96`, a data section of maps, strings, doubles, unsigned integers,
 * booleans and arrays (no pointers, no deduplication), and the metadata map after the
 * `\xAB\xCD\xEFMaxMind.com` marker.
 *
 * Networks must not overlap; this is a fixture builder, not a general tool.
 */

/** A value the data section can hold. Integers are written as uint32, other numbers as doubles. */
export type MmdbValue =
  | string
  | number
  | boolean
  | bigint
  | readonly MmdbValue[]
  | { readonly [k: string]: MmdbValue };

const encoder = new TextEncoder();

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The control byte(s) for a type (1–15) and a payload size (spec §"Data section separator"). */
function control(type: number, size: number): Uint8Array {
  const bytes: number[] = [];
  let sizeBits: number;
  const extra: number[] = [];
  if (size < 29) sizeBits = size;
  else if (size < 285) {
    sizeBits = 29;
    extra.push(size - 29);
  } else if (size < 65821) {
    sizeBits = 30;
    const s = size - 285;
    extra.push(s >> 8, s & 0xff);
  } else {
    sizeBits = 31;
    const s = size - 65821;
    extra.push((s >> 16) & 0xff, (s >> 8) & 0xff, s & 0xff);
  }
  if (type <= 7) bytes.push((type << 5) | sizeBits);
  else bytes.push(sizeBits, type - 7);
  return new Uint8Array([...bytes, ...extra]);
}

function unsigned(type: number, value: bigint): Uint8Array {
  const digits: number[] = [];
  for (let v = value; v > 0n; v >>= 8n) digits.unshift(Number(v & 0xffn));
  return concat([control(type, digits.length), new Uint8Array(digits)]);
}

/** Encodes one value of the data section. */
export function encodeValue(value: MmdbValue): Uint8Array {
  if (typeof value === "string") {
    const utf8 = encoder.encode(value);
    return concat([control(2, utf8.length), utf8]);
  }
  if (typeof value === "boolean") return control(14, value ? 1 : 0);
  if (typeof value === "bigint") return unsigned(9, value);
  if (typeof value === "number") {
    if (Number.isInteger(value) && value >= 0 && value <= 0xffffffff) return unsigned(6, BigInt(value));
    const payload = new Uint8Array(8);
    new DataView(payload.buffer).setFloat64(0, value);
    return concat([control(3, 8), payload]);
  }
  if (Array.isArray(value)) return concat([control(11, value.length), ...value.map(encodeValue)]);
  const entries = Object.entries(value as Record<string, MmdbValue>);
  return concat([
    control(7, entries.length),
    ...entries.flatMap(([k, v]) => [encodeValue(k), encodeValue(v)]),
  ]);
}

/** Parses `a.b.c.d/n` (stored as `::a.b.c.d/96+n`) or an IPv6 `x:…/n` into 128 bits and a prefix. */
function network(cidr: string): { bits: bigint; prefix: number } {
  const [address, prefixText] = cidr.split("/");
  const prefix = Number(prefixText);
  if (address!.includes(".")) {
    const bits = address!.split(".").reduce((n, o) => (n << 8n) | BigInt(Number(o)), 0n);
    return { bits, prefix: 96 + prefix };
  }
  const [head, tail = ""] = address!.split("::");
  const h = head === "" ? [] : head!.split(":");
  const t = tail === "" ? [] : tail.split(":");
  const groups = [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  return { bits: groups.reduce((n, g) => (n << 16n) | BigInt(Number.parseInt(g, 16)), 0n), prefix };
}

interface TreeNode {
  children: [TreeNode | number | null, TreeNode | number | null];
}

/** Builds a database: `records` maps CIDR networks to the record each holds. */
export function writeMmdb(
  databaseType: string,
  records: Readonly<Record<string, MmdbValue>>,
  buildEpoch = 1_700_000_000n,
): Uint8Array {
  const data: Uint8Array[] = [];
  let dataSize = 0;
  const root: TreeNode = { children: [null, null] };
  for (const [cidr, record] of Object.entries(records)) {
    const encoded = encodeValue(record);
    const offset = dataSize;
    data.push(encoded);
    dataSize += encoded.length;
    const { bits, prefix } = network(cidr);
    let node = root;
    for (let depth = 0; depth < prefix; depth++) {
      const bit = Number((bits >> BigInt(127 - depth)) & 1n) as 0 | 1;
      if (depth === prefix - 1) {
        if (node.children[bit] !== null) throw new Error(`${cidr} overlaps another network`);
        node.children[bit] = offset;
      } else {
        let next = node.children[bit];
        if (typeof next === "number") throw new Error(`${cidr} overlaps another network`);
        if (next === null) {
          next = { children: [null, null] };
          node.children[bit] = next;
        }
        node = next;
      }
    }
  }
  // Number the nodes breadth first; node 0 is the root.
  const order: TreeNode[] = [root];
  for (let i = 0; i < order.length; i++) {
    for (const c of order[i]!.children) if (c !== null && typeof c !== "number") order.push(c);
  }
  const index = new Map(order.map((n, i) => [n, i]));
  const nodeCount = order.length;
  const tree = new Uint8Array(nodeCount * 6);
  order.forEach((node, i) => {
    node.children.forEach((child, side) => {
      // A data record points past the tree and the 16-byte separator; an empty one says "not found".
      const value =
        child === null ? nodeCount : typeof child === "number" ? nodeCount + 16 + child : index.get(child)!;
      const at = i * 6 + side * 3;
      tree[at] = (value >> 16) & 0xff;
      tree[at + 1] = (value >> 8) & 0xff;
      tree[at + 2] = value & 0xff;
    });
  });
  const metadata = concat([
    control(7, 9),
    encodeValue("binary_format_major_version"),
    unsigned(5, 2n),
    encodeValue("binary_format_minor_version"),
    unsigned(5, 0n),
    encodeValue("build_epoch"),
    unsigned(9, buildEpoch),
    encodeValue("database_type"),
    encodeValue(databaseType),
    encodeValue("description"),
    encodeValue({ en: `Furrow test fixture (${databaseType})` }),
    encodeValue("ip_version"),
    unsigned(5, 6n),
    encodeValue("languages"),
    encodeValue(["en"]),
    encodeValue("node_count"),
    unsigned(6, BigInt(nodeCount)),
    encodeValue("record_size"),
    unsigned(5, 24n),
  ]);
  const marker = new Uint8Array([0xab, 0xcd, 0xef, ...encoder.encode("MaxMind.com")]);
  return concat([tree, new Uint8Array(16), ...data, marker, metadata]);
}
