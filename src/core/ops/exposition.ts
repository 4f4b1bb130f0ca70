/**
 * @module
 * Reads the Prometheus text exposition format (0.0.4) back into samples: what a scraper sees. Tests
 * use it to check `/metrics` as Prometheus would parse it, rather than by matching strings; a line
 * it cannot read is an error naming the line, because Prometheus would reject the whole scrape.
 */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  readonly samples: readonly Sample[];
  /** `# TYPE` of each metric family. */
  readonly types: ReadonlyMap<string, string>;
  /** `# HELP` of each metric family. */
  readonly help: ReadonlyMap<string, string>;
}

export class ExpositionError extends Error {
  override readonly name = "ExpositionError";
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)(\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;

function parseValue(text: string, line: number): number {
  if (text === "+Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  if (text === "NaN") return Number.NaN;
  const n = Number(text);
  if (text === "" || Number.isNaN(n)) throw new ExpositionError(`line ${line}: '${text}' is not a value`);
  return n;
}

function parseLabels(body: string, line: number): Record<string, string> {
  const labels: Record<string, string> = {};
  const inner = body.slice(1, -1);
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < inner.length) {
    const start = LABEL.lastIndex;
    const m = LABEL.exec(inner);
    if (m === null || m.index !== start)
      throw new ExpositionError(`line ${line}: cannot read labels ${body}`);
    const name = m[1]!;
    if (name in labels) throw new ExpositionError(`line ${line}: label ${name} repeated`);
    labels[name] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
  }
  return labels;
}

/** Parses a whole scrape; throws {@link ExpositionError} at the first line Prometheus would refuse. */
export function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    if (line.startsWith("#")) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)\s?(.*)$/.exec(line);
      if (m === null) return; // a comment
      if (m[1] === "TYPE") {
        if (!["counter", "gauge", "histogram", "summary", "untyped"].includes(m[3]!))
          throw new ExpositionError(`line ${i + 1}: unknown type '${m[3]}'`);
        if (types.has(m[2]!)) throw new ExpositionError(`line ${i + 1}: second TYPE for ${m[2]}`);
        types.set(m[2]!, m[3]!);
      } else help.set(m[2]!, m[3]!);
      return;
    }
    const m = SAMPLE.exec(line);
    if (m === null) throw new ExpositionError(`line ${i + 1}: cannot read '${line}'`);
    samples.push({
      name: m[1]!,
      labels: m[2] === undefined ? {} : parseLabels(m[2], i + 1),
      value: parseValue(m[3]!, i + 1),
    });
  });
  return { samples, types, help };
}

/**
 * The value of the one sample named `name` whose labels include `labels`; undefined when there is
 * none, an error when several match.
 */
export function sampleValue(
  exposition: Exposition,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  const found = exposition.samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) throw new ExpositionError(`${found.length} samples of ${name} match`);
  return found[0]?.value;
}
