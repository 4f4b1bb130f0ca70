/**
 * @module
 * IP address literals as Enrich's enrichments read them, without DNS:
 * - {@link parseInetAddress} follows Guava's `InetAddresses.forString` (used by anon_ip): strict
 *   dotted quads (no leading zeros), RFC 4291 text for IPv6 with at most one `::` and an optional
 *   trailing dotted quad; an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) becomes IPv4, as Java's
 *   `InetAddress.getByAddress` does.
 * - {@link hostAddress} writes what Java's `getHostAddress` writes: dotted decimal, or eight
 *   uncompressed lower-case hextets (`2001:db8:0:0:0:0:0:1`).
 * - {@link ipLiteralOfHost} strips what seancfoley's `HostName` allows around an address (a port,
 *   IPv6 brackets), which ip_lookups and the IAB enrichment apply to `user_ipaddress`.
 */

/** An address as Java holds it: 4 bytes for IPv4, 16 for IPv6. */
export interface InetAddress {
  readonly version: 4 | 6;
  readonly bytes: Uint8Array;
}

const hex = /^[0-9a-fA-F]{1,4}$/;

/** Guava `textToNumericFormatV4`: four decimal octets, no leading zeros, each at most 255. */
export function parseIPv4Bytes(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!;
    // Guava refuses leading zeros: no standard says whether they mean octal or decimal.
    if (part.length === 0 || part.length > 3 || (part.length > 1 && part[0] === "0")) return null;
    if (!/^[0-9]+$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    bytes[i] = n;
  }
  return bytes;
}

/** Guava `textToNumericFormatV6` after `convertDottedQuadToHex`: sixteen bytes, or null. */
function parseIPv6Bytes(input: string): Uint8Array | null {
  let text = input;
  if (text.includes(".")) {
    const lastColon = text.lastIndexOf(":");
    const quad = parseIPv4Bytes(text.slice(lastColon + 1));
    if (quad === null) return null;
    const h = (a: number, b: number) => ((a << 8) | b).toString(16);
    text = `${text.slice(0, lastColon + 1)}${h(quad[0]!, quad[1]!)}:${h(quad[2]!, quad[3]!)}`;
  }
  const colons = text.split(":").length - 1;
  if (colons < 2 || colons > 8) return null;
  const skip = text.indexOf("::");
  if (skip !== -1 && text.indexOf("::", skip + 1) !== -1) return null;
  if (text.startsWith(":") && !text.startsWith("::")) return null;
  if (text.endsWith(":") && !text.endsWith("::")) return null;
  const hextets: number[] = [];
  if (skip === -1) {
    const parts = text.split(":");
    if (parts.length !== 8) return null;
    for (const p of parts) {
      if (!hex.test(p)) return null;
      hextets.push(Number.parseInt(p, 16));
    }
  } else {
    const head = text.slice(0, skip);
    const tail = text.slice(skip + 2);
    const headParts = head === "" ? [] : head.split(":");
    const tailParts = tail === "" ? [] : tail.split(":");
    // `::` must stand for at least one zero hextet.
    if (headParts.length + tailParts.length > 7) return null;
    for (const p of [...headParts, ...tailParts]) if (!hex.test(p)) return null;
    hextets.push(...headParts.map((p) => Number.parseInt(p, 16)));
    for (let i = headParts.length + tailParts.length; i < 8; i++) hextets.push(0);
    hextets.push(...tailParts.map((p) => Number.parseInt(p, 16)));
  }
  const bytes = new Uint8Array(16);
  hextets.forEach((h, i) => {
    bytes[2 * i] = h >> 8;
    bytes[2 * i + 1] = h & 0xff;
  });
  return bytes;
}

/** True for `::ffff:0:0/96`, which Java turns into an `Inet4Address`. */
function isIPv4Mapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/**
 * Guava's `InetAddresses.forString`: an IP literal (never a host name), or null. Scope ids
 * (`fe80::1%eth0`) are refused: resolving an interface name needs the host, which a pure core lacks.
 */
export function parseInetAddress(text: string): InetAddress | null {
  // Guava's first pass: only hex digits, dots and colons, and no colon after a dot.
  let hasColon = false;
  let hasDot = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) hasDot = true;
    else if (c === 0x3a) {
      if (hasDot) return null;
      hasColon = true;
    } else if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)))
      return null;
  }
  if (hasColon) {
    const bytes = parseIPv6Bytes(text);
    if (bytes === null) return null;
    return isIPv4Mapped(bytes) ? { version: 4, bytes: bytes.slice(12) } : { version: 6, bytes };
  }
  if (hasDot) {
    const bytes = parseIPv4Bytes(text);
    return bytes === null ? null : { version: 4, bytes };
  }
  return null;
}

/** Java's `InetAddress.getHostAddress()`. */
export function hostAddress(address: InetAddress): string {
  const b = address.bytes;
  if (address.version === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  const hextets: string[] = [];
  for (let i = 0; i < 16; i += 2) hextets.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return hextets.join(":");
}

/**
 * The address literal in `host`, the way seancfoley's `HostName` reads one: `a.b.c.d`,
 * `a.b.c.d:port`, a bare IPv6 address, `[v6]` or `[v6]:port`. Null when what is left is not an IP
 * address; Enrich would then try DNS, which an enrichment must not do per event.
 */
export function ipLiteralOfHost(host: string): InetAddress | null {
  let text = host.trim();
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close === -1) return null;
    const rest = text.slice(close + 1);
    if (rest !== "" && !/^:[0-9]{1,5}$/.test(rest)) return null;
    text = text.slice(1, close);
    const v6 = parseInetAddress(text);
    return v6 !== null && text.includes(":") ? v6 : null;
  }
  const direct = parseInetAddress(text);
  if (direct !== null) return direct;
  // `a.b.c.d:port`: one colon only, since a bare IPv6 address cannot carry a port without brackets.
  const m = /^([0-9.]+):[0-9]{1,5}$/.exec(text);
  return m === null ? null : parseInetAddress(m[1]!);
}

/** A CIDR block `address/prefix` (a plain address is a /32 or /128), as the IAB IP list holds them. */
export interface IpBlock {
  readonly version: 4 | 6;
  /** The block's first address (host bits cleared, as `toPrefixBlock()` does). */
  readonly network: Uint8Array;
  readonly prefix: number;
}

/** Parses `a.b.c.d/n` or `v6/n`; host bits are cleared. Null when malformed. */
export function parseIpBlock(text: string): IpBlock | null {
  const slash = text.indexOf("/");
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const address = parseInetAddress(addressText.trim());
  if (address === null) return null;
  const bits = address.bytes.length * 8;
  let prefix = bits;
  if (slash !== -1) {
    const p = text.slice(slash + 1).trim();
    if (!/^[0-9]{1,3}$/.test(p)) return null;
    prefix = Number(p);
    // A mapped address became IPv4, so its prefix counts from the IPv4 part.
    if (address.version === 4 && addressText.includes(":")) prefix -= 96;
    if (prefix < 0 || prefix > bits) return null;
  }
  const network = address.bytes.slice();
  for (let i = 0; i < network.length; i++) {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    network[i]! &= keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff;
  }
  return { version: address.version, network, prefix };
}

/** True when `address` lies in `block` (never across IP versions). */
export function blockContains(block: IpBlock, address: InetAddress): boolean {
  if (block.version !== address.version) return false;
  let remaining = block.prefix;
  for (let i = 0; remaining > 0; i++, remaining -= 8) {
    const mask = remaining >= 8 ? 0xff : (0xff << (8 - remaining)) & 0xff;
    if ((address.bytes[i]! & mask) !== block.network[i]) return false;
  }
  return true;
}
