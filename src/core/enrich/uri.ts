/**
 * @module
 * URLs as Enrich explodes them into `page_url*` and `refr_url*` (`ConversionUtils.stringToUri` and
 * `explodeUri`): spaces become `%20`, then Java's `java.net.URI` (RFC 2396) reads the text; when it
 * refuses (a `|`, a `{`, a bad `%` escape…), scala-uri reads it leniently, percent-encoding what Java
 * refused. The components are the raw (still encoded) ones, made TSV-safe, empty ones null; the
 * port defaults to 443 for `https` and 80 otherwise, as Enrich does.
 *
 * Java rules kept because they change the columns: an authority Java cannot read as host and port
 * (an `_` in the host name, a non-numeric port) leaves host null and the port at its default; an
 * opaque URI (`mailto:…`) has no path or query.
 */
import { makeTsvSafe } from "../event/tsv-safe.ts";
import { err, ok, type Result } from "../result.ts";

/** The six pieces Enrich stores. */
export interface UriComponents {
  readonly scheme: string | null;
  readonly host: string | null;
  readonly port: number;
  readonly path: string | null;
  readonly query: string | null;
  readonly fragment: string | null;
}

/** A parsed URI: the text Java's `URI.toString` gives back, and its components. */
export interface ParsedUri {
  readonly text: string;
  readonly components: UriComponents;
}

// RFC 2396 characters Java's URI accepts outside the authority: reserved, unreserved, `%`, `#`.
const ALLOWED = (() => {
  const t = new Uint8Array(128);
  const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789;/?:@&=+$,-_.!~*'()%#[]";
  for (const c of chars) t[c.charCodeAt(0)] = 1;
  return t;
})();

const HEX2 = /^[0-9a-fA-F]{2}$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
const SPLIT = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#([\s\S]*))?$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const IPV4 =
  /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/;
const IPV6ISH = /^\[[0-9A-Fa-f:.]+(?:%[^\]]*)?\]$/;

/** Java `isISOControl` or `isSpaceChar` above ASCII: never allowed in a URI. */
function illegalNonAscii(code: number): boolean {
  return (
    (code >= 0x80 && code <= 0x9f) ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/** Whether Java's URI parser accepts every character of `text` (ignoring which component holds it). */
function javaAccepts(text: string): boolean {
  let hashes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25) {
      if (!HEX2.test(text.slice(i + 1, i + 3))) return false;
      i += 2;
    } else if (c === 0x23 && ++hashes > 1) {
      return false;
    } else if (c < 128 ? ALLOWED[c] === 0 : illegalNonAscii(c)) {
      return false;
    }
  }
  return true;
}

const utf8 = new TextEncoder();

/** What scala-uri's lenient parse writes back: refused characters and stray `%` percent-encoded. */
function encodeLeniently(text: string): string {
  let out = "";
  let hashes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ch = text[i]!;
    if (c === 0x25) {
      out += HEX2.test(text.slice(i + 1, i + 3)) ? "%" : "%25";
    } else if (c === 0x23 && ++hashes === 1) {
      out += ch;
    } else if (c < 128 ? ALLOWED[c] === 0 || c === 0x23 : illegalNonAscii(c)) {
      for (const b of utf8.encode(ch)) out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Host and port of a server-based authority, or null when Java would read it as registry-based. */
function serverAuthority(authority: string): { host: string; port: number } | null {
  const at = authority.indexOf("@");
  const hostPort = at >= 0 ? authority.slice(at + 1) : authority;
  let host: string;
  let portText: string;
  if (hostPort.startsWith("[")) {
    const close = hostPort.indexOf("]");
    if (close < 0) return null;
    host = hostPort.slice(0, close + 1);
    const rest = hostPort.slice(close + 1);
    if (rest !== "" && !rest.startsWith(":")) return null;
    portText = rest.slice(1);
    if (!IPV6ISH.test(host)) return null;
  } else {
    const colon = hostPort.lastIndexOf(":");
    host = colon >= 0 ? hostPort.slice(0, colon) : hostPort;
    portText = colon >= 0 ? hostPort.slice(colon + 1) : "";
    if (host === "") return null;
    if (!IPV4.test(host)) {
      const labels = (host.endsWith(".") ? host.slice(0, -1) : host).split(".");
      if (!labels.every((l) => LABEL.test(l))) return null;
      // Java: the rightmost label of a host name starts with a letter.
      if (/^[0-9]/.test(labels[labels.length - 1]!)) return null;
    }
  }
  if (portText !== "" && !/^[0-9]+$/.test(portText)) return null;
  const port = portText === "" ? -1 : Number(portText);
  if (port > 2147483647) return null;
  return { host, port };
}

function explode(text: string): Result<UriComponents, string> {
  const m = SPLIT.exec(text);
  if (m === null) return err("unparsable");
  let [, scheme, authority, path, query, fragment] = m;
  if (scheme !== undefined && !SCHEME.test(scheme)) {
    // Not a scheme after all (Java refuses it; scala-uri reads a relative reference).
    return explodeRelative(text);
  }
  if (authority?.includes("[") && !authority.includes("]")) return err("unclosed IPv6 bracket");
  let host: string | null = null;
  let port = -1;
  if (authority !== undefined) {
    const server = serverAuthority(authority);
    if (server !== null) ({ host, port } = server);
  } else if (scheme !== undefined && !path!.startsWith("/")) {
    // An opaque URI such as `mailto:a@b.c`: Java gives it no path and no query.
    path = undefined;
    query = undefined;
  }
  const defaultPort = scheme === "https" ? 443 : 80;
  return ok({
    scheme: scheme ?? null,
    host,
    port: port === -1 ? defaultPort : port,
    path: path === undefined ? null : makeTsvSafe(path),
    query: query === undefined ? null : makeTsvSafe(query),
    fragment: fragment === undefined ? null : makeTsvSafe(fragment),
  });
}

function explodeRelative(text: string): Result<UriComponents, string> {
  const m = /^([^?#]*)(?:\?([^#]*))?(?:#([\s\S]*))?$/.exec(text)!;
  return ok({
    scheme: null,
    host: null,
    port: 80,
    path: makeTsvSafe(m[1] ?? ""),
    query: m[2] === undefined ? null : makeTsvSafe(m[2]),
    fragment: m[3] === undefined ? null : makeTsvSafe(m[3]),
  });
}

/**
 * Parses a URL as Enrich does. Fails (with Enrich's message) only when neither reading works.
 *
 * @example parseUri("https://shop.example/a b?q=1#top").value.components
 * // { scheme: "https", host: "shop.example", port: 443, path: "/a%20b", query: "q=1", fragment: "top" }
 */
export function parseUri(raw: string): Result<ParsedUri, string> {
  const text = raw.replaceAll(" ", "%20");
  if (javaAccepts(text)) {
    const components = explode(text);
    if (components.ok) return ok({ text, components: components.value });
  }
  const lenient = encodeLeniently(text);
  const components = explode(lenient);
  if (components.ok) return ok({ text: lenient, components: components.value });
  return err(
    `Provided URI [${raw}] could not be parsed, neither by Java parsing (error: [Illegal character in authority: ${raw}]) nor by Scala parsing (error: [${components.error}]).`,
  );
}
