/**
 * @module
 * ua-parser's rules (uap-core's `regexes.yaml`) applied the way uap-java 1.5 applies them, since
 * that is the library Enrich's ua_parser enrichment uses and its outputs are what Snowplow users
 * have in their warehouses. uap-java differs from other ports (uap-ref-impl included) in details:
 *
 * - User agent: `family_replacement` substitutes only the first `$1`; `v1_replacement` and
 *   `v2_replacement` are literal; there is no `v3_replacement`, and group 4 (the patch) is read only
 *   when `v2_replacement` is absent. Empty version groups count as absent.
 * - OS: `os_replacement` substitutes every `$1`; `os_vN_replacement` is a group number when it
 *   starts with `$`, else literal; the patch-minor comes from group 5 only. Empty groups stay `""`.
 * - Device: `device_replacement` substitutes each `$N` (a missing group gives `""`) and is trimmed;
 *   `regex_flag: 'i'` makes the match case-insensitive. Brand and model are not read.
 * - A rule whose family would be null does not match; the next rule is tried. No match at all gives
 *   `Other` with null versions.
 *
 * The regexes are Java regexes compiled as JavaScript ones; uap-core keeps them to the syntax the
 * two share, so that every port can use the same file.
 */
import { load } from "js-yaml";
import { err, ok, type Result } from "../../result.ts";

export interface UserAgentResult {
  readonly family: string;
  readonly major: string | null;
  readonly minor: string | null;
  readonly patch: string | null;
}

export interface OsResult {
  readonly family: string;
  readonly major: string | null;
  readonly minor: string | null;
  readonly patch: string | null;
  readonly patchMinor: string | null;
}

/** What uap-java's `Parser.parse` returns: user agent, OS and device. */
export interface UapClient {
  readonly userAgent: UserAgentResult;
  readonly os: OsResult;
  readonly device: { readonly family: string };
}

type Rule = Readonly<Record<string, string>>;
type Matcher<T> = (ua: string) => T | null;

const group = (m: RegExpExecArray, i: number): string | null => (i < m.length ? (m[i] ?? null) : null);
const blankToNull = (s: string | null): string | null => (s === null || s === "" ? null : s);

function userAgentMatcher(rule: Rule): Matcher<UserAgentResult> {
  const re = new RegExp(rule["regex"]!);
  const familyReplacement = rule["family_replacement"];
  const v1Replacement = rule["v1_replacement"];
  const v2Replacement = rule["v2_replacement"];
  return (ua) => {
    const m = re.exec(ua);
    if (m === null) return null;
    const groups = m.length - 1;
    let family: string | null;
    if (familyReplacement !== undefined) {
      const g1 = group(m, 1);
      family =
        familyReplacement.includes("$1") && groups >= 1 && g1 !== null
          ? familyReplacement.replace("$1", () => g1)
          : familyReplacement;
    } else family = group(m, 1);
    if (family === null) return null;
    const major = v1Replacement ?? blankToNull(group(m, 2));
    let minor: string | null = null;
    let patch: string | null = null;
    if (v2Replacement !== undefined) minor = v2Replacement;
    else {
      minor = blankToNull(group(m, 3));
      patch = blankToNull(group(m, 4));
    }
    return { family, major, minor, patch };
  };
}

function osMatcher(rule: Rule): Matcher<OsResult> {
  const re = new RegExp(rule["regex"]!);
  const osReplacement = rule["os_replacement"];
  const replacements = [rule["os_v1_replacement"], rule["os_v2_replacement"], rule["os_v3_replacement"]];
  return (ua) => {
    const m = re.exec(ua);
    if (m === null) return null;
    let family: string | null;
    if (osReplacement !== undefined) {
      // A group that did not take part is null in Java, where replaceAll would fail; "" is kinder.
      family = m.length > 1 ? osReplacement.replaceAll("$1", () => group(m, 1) ?? "") : osReplacement;
    } else family = group(m, 1);
    if (family === null) return null;
    const version = (i: number): string | null => {
      const r = replacements[i];
      if (r === undefined) return group(m, i + 2);
      return r.startsWith("$") ? group(m, Number(r.slice(1))) : r;
    };
    return { family, major: version(0), minor: version(1), patch: version(2), patchMinor: group(m, 5) };
  };
}

function deviceMatcher(rule: Rule): Matcher<{ family: string }> {
  const re = new RegExp(rule["regex"]!, rule["regex_flag"] === "i" ? "i" : "");
  const replacement = rule["device_replacement"];
  return (ua) => {
    const m = re.exec(ua);
    if (m === null) return null;
    let family: string | null;
    if (replacement !== undefined) {
      family = replacement.includes("$")
        ? replacement.replace(/\$(\d)/g, (_, n: string) => group(m, Number(n)) ?? "").trim()
        : replacement;
    } else family = group(m, 1);
    return family === null ? null : { family };
  };
}

const OTHER_UA: UserAgentResult = Object.freeze({ family: "Other", major: null, minor: null, patch: null });
const OTHER_OS: OsResult = Object.freeze({
  family: "Other",
  major: null,
  minor: null,
  patch: null,
  patchMinor: null,
});
const OTHER_DEVICE = Object.freeze({ family: "Other" });

/** A compiled rule set. */
export class UapParser {
  constructor(
    readonly userAgents: readonly Matcher<UserAgentResult>[],
    readonly oses: readonly Matcher<OsResult>[],
    readonly devices: readonly Matcher<{ family: string }>[],
  ) {}

  parse(ua: string): UapClient {
    return {
      userAgent: firstMatch(this.userAgents, ua) ?? OTHER_UA,
      os: firstMatch(this.oses, ua) ?? OTHER_OS,
      device: firstMatch(this.devices, ua) ?? OTHER_DEVICE,
    };
  }
}

function firstMatch<T>(matchers: readonly Matcher<T>[], ua: string): T | null {
  for (const match of matchers) {
    const r = match(ua);
    if (r !== null) return r;
  }
  return null;
}

/** Reads one list of rules, each a map of strings with a `regex` (YAML scalars are read as text). */
function rules(doc: Record<string, unknown>, key: string, what: string): Result<Rule[], string> {
  const list = doc[key];
  if (!Array.isArray(list)) return err(`${key} is missing from yaml`);
  const out: Rule[] = [];
  for (const entry of list) {
    if (typeof entry !== "object" || entry === null) return err(`${what} is not a map`);
    const rule: Record<string, string> = {};
    for (const [k, v] of Object.entries(entry)) if (v !== null && v !== undefined) rule[k] = String(v);
    if (rule["regex"] === undefined) return err(`${what} is missing regex`);
    out.push(rule);
  }
  return ok(out);
}

/** Compiles a parsed `regexes.yaml` document, with uap-java's error messages. */
export function compileUapRules(doc: unknown): Result<UapParser, string> {
  if (typeof doc !== "object" || doc === null) return err("the regexes file is not a YAML map");
  const d = doc as Record<string, unknown>;
  const ua = rules(d, "user_agent_parsers", "User agent");
  if (!ua.ok) return ua;
  const os = rules(d, "os_parsers", "OS");
  if (!os.ok) return os;
  const device = rules(d, "device_parsers", "Device");
  if (!device.ok) return device;
  try {
    return ok(
      new UapParser(ua.value.map(userAgentMatcher), os.value.map(osMatcher), device.value.map(deviceMatcher)),
    );
  } catch (e) {
    return err((e as Error).message);
  }
}

/** Parses and compiles a `regexes.yaml` text. */
export function loadUapRules(yaml: string): Result<UapParser, string> {
  let doc: unknown;
  try {
    doc = load(yaml);
  } catch (e) {
    return err((e as Error).message);
  }
  return compileUapRules(doc);
}
