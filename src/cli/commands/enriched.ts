/**
 * @module
 * `furrow decode enriched [FILE]`: reads enriched TSV lines (what Enrich writes to its good stream)
 * and prints each as one JSON object in the Analytics SDKs' shape. A line that does not decode is
 * reported on stderr with its line number and the decoder's typed error, and the rest go on.
 */

import { toAnalyticsJson } from "../../core/event/analytics-json.ts";
import { decodeEnrichedTsv, describeEnrichedTsvError } from "../../core/event/tsv.ts";
import { type Command, numberedLines, openInput, parseFlags, UsageError } from "../command.ts";

const help = `Usage: furrow decode enriched [FILE]

Reads enriched events, one 131-column TSV line each, from FILE (or standard input when FILE is
absent or '-') and prints each as one line of JSON in the shape of the Snowplow Analytics SDKs'
JSON transformer (JS/Python conventions):

  - typed atomic fields; empty columns are left out; timestamps as 2024-01-31T12:00:00.000Z;
  - each context as contexts_<vendor>_<name>_<model>: [data, ...];
  - the unstructured event as unstruct_event_<vendor>_<name>_<model>: {data};
  - geo_location as "<latitude>,<longitude>".

Blank lines are skipped. A line that is not an enriched event is reported on standard error as
'line N: <error>' and decoding goes on.

Exit status: 0 if every line decoded, 1 if any did not, 2 on a usage error.

Flags:
  -h, --help   show this help
`;

export const decodeEnrichedCommand: Command = {
  path: ["decode", "enriched"],
  summary: "Print enriched TSV events as analytics-SDK JSON, one per line",
  help,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { help: { type: "boolean", short: "h" } }, true);
    if (values.help) {
      io.stdout(help);
      return 0;
    }
    if (positionals.length > 1) throw new UsageError(`expects at most one FILE, got ${positionals.length}`);
    const input = await openInput(positionals[0], io);

    let failed = 0;
    for await (const [lineNumber, line] of numberedLines(input, io)) {
      if (line.length === 0) continue;
      const decoded = decodeEnrichedTsv(line);
      if (decoded.ok) {
        io.stdout(`${JSON.stringify(toAnalyticsJson(decoded.value))}\n`);
      } else {
        failed++;
        io.stderr(`line ${lineNumber}: ${describeEnrichedTsvError(decoded.error)}\n`);
      }
    }
    return failed > 0 ? 1 : 0;
  },
};
