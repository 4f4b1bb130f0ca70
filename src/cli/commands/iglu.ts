/**
 * @module
 * The Iglu commands:
 * - `furrow iglu-server`: runs the Iglu Server (Snowplow's REST API) until SIGINT/SIGTERM;
 * - `furrow iglu-server setup`: creates or migrates its tables, then exits;
 * - `furrow iglu push DIR`: uploads a folder in the static-registry layout, like
 *   `igluctl static push`, ordered so that sequencing rules pass;
 * - `furrow iglu lint DIR`: reports what an Iglu Server would refuse or remark on.
 * Each reads its flags (and the config file, and the environment) once, here. The server logs as
 * `--log-format` says (JSON lines for log shippers) and serves `/metrics` beside its API.
 */
import { resolve } from "node:path";
import {
  IGLU_SERVER_DEFAULTS,
  type IgluServerConfig,
  resolveIgluServerConfig,
} from "../../apps/iglu-server/config.ts";
import { type RunningIgluServer, setupIgluServer, startIgluServer } from "../../apps/iglu-server/main.ts";
import { parseApiKey } from "../../apps/iglu-server/permission.ts";
import { apiRoot, type PushResult, pushSchemas } from "../../apps/iglu-server/registry-push.ts";
import {
  publicationOrder,
  readSchemaFolder,
  type SchemaFolder,
} from "../../apps/iglu-server/schema-folder.ts";
import { type LintLevel, lintSchema } from "../../apps/iglu-server/schema-lint.ts";
import { inconsistencyMessage, sequencingProblem } from "../../apps/iglu-server/version-cursor.ts";
import {
  appLogger,
  LOG_FLAGS,
  type LogSettings,
  logFlagsHelp,
  logSettings,
} from "../../apps/ops/ops-settings.ts";
import { formatSchemaKey } from "../../core/iglu/schema-key.ts";
import type { SchemaVer } from "../../core/iglu/schema-ver.ts";
import { firstLine } from "../../core/ops/log.ts";
import { type Command, type CommandIO, parseFlags, readConfigFile, UsageError } from "../command.ts";

const SERVER_FLAGS = {
  config: { type: "string" },
  host: { type: "string" },
  port: { type: "string" },
  "database-url": { type: "string" },
  "database-schema": { type: "string" },
  "data-dir": { type: "string" },
  "super-api-key": { type: "string" },
  "patches-allowed": { type: "boolean" },
  ...LOG_FLAGS,
} as const;

/** The environment the server commands read; only src/cli touches `process.env`. */
export interface IgluEnvironment {
  readonly DATABASE_URL?: string;
  readonly IGLU_SUPER_API_KEY?: string;
}

const processEnvironment = (): IgluEnvironment => ({
  DATABASE_URL: process.env.DATABASE_URL,
  IGLU_SUPER_API_KEY: process.env.IGLU_SUPER_API_KEY,
});

/** Flags, the config file they name, and the environment, validated; a UsageError otherwise. */
export async function loadIgluServerConfig(
  argv: readonly string[],
  env: IgluEnvironment,
  cwd: string,
): Promise<IgluServerConfig> {
  const { values } = parseFlags(argv, SERVER_FLAGS);
  const file = await readConfigFile(values.config, cwd);
  const config = resolveIgluServerConfig({ flags: values, file, env, cwd });
  const log = logSettings(values);
  const problems = [...(config.ok ? [] : config.error.problems), ...(log.ok ? [] : log.error)];
  if (!config.ok || problems.length > 0) throw new UsageError(problems.join("\nfurrow iglu-server: "));
  return config.value;
}

/** `--log-format` and `--log-level` of the server commands (validated by `loadIgluServerConfig`). */
export function igluLogSettings(argv: readonly string[]): LogSettings {
  const log = logSettings(parseFlags(argv, SERVER_FLAGS).values);
  if (!log.ok) throw new UsageError(log.error.join("\nfurrow iglu-server: "));
  return log.value;
}

const serverFlagsHelp = `Flags:
  --host HOST              interface to listen on (default ${IGLU_SERVER_DEFAULTS.host})
  --port PORT              port to listen on, 0 for any free one (default ${IGLU_SERVER_DEFAULTS.port})
  --database-url URL       a postgres:// URL; 'dummy' for in-memory storage (with the super key
                           48b267d7-cd2b-4f22-bae4-0f002008b5ad, as Snowplow's dummy storage);
                           empty for embedded PGlite (default: $DATABASE_URL, else embedded)
  --database-schema NAME   Postgres schema holding the tables (default public)
  --data-dir DIR           where embedded PGlite keeps its data (default ${IGLU_SERVER_DEFAULTS.dataDir})
  --super-api-key UUID     an API key allowed everything (default: $IGLU_SUPER_API_KEY)
  --patches-allowed        allow overwriting published versions, and DELETE
${logFlagsHelp(27)}  --config FILE            JSON settings in camelCase: host, port, databaseUrl, databaseSchema,
                           dataDir, superApiKey, patchesAllowed, debug, maxPayloadSize,
                           maxJsonDepth, hsts {enable, maxAge}, webhooks {schemaPublished:
                           [{uri, vendorPrefixes?, usePost?}]}; flags override it
  -h, --help               show this help
`;

/**
 * Runs the server until `io.stopped` (SIGTERM, SIGINT), then stops it: in-flight requests finish,
 * the pool closes. Exported for tests, which pass their own environment. With the default text
 * logs, the start and stop lines go to standard output as before; with `--log-format json` every
 * record is a JSON line on standard error.
 */
export async function runIgluServer(
  config: IgluServerConfig,
  io: CommandIO,
  log: LogSettings = { format: "text", level: "info" },
): Promise<number> {
  const json = log.format === "json";
  const logger = appLogger("iglu-server", log, io.stderr);
  let server: RunningIgluServer;
  try {
    server = await startIgluServer(config, (line) =>
      json ? logger.error(line, { event: "request-failed" }) : io.stderr(`iglu-server: ${line}\n`),
    );
  } catch (e) {
    if (json) logger.error(firstLine(e), { event: "start-failed" });
    else io.stderr(`furrow iglu-server: ${firstLine(e)}\n`);
    return 1;
  }
  if (json) {
    logger.info(`listening on ${server.url}`, { event: "started", url: server.url, storage: server.storage });
  } else {
    io.stdout(
      `iglu-server listening on ${server.url} (API ${server.url}/api, static ${server.url}/schemas)\n`,
    );
    io.stdout(`iglu-server storage: ${server.storage}\n`);
  }
  await io.stopped;
  if (json) logger.info("stopping", { event: "stopping" });
  try {
    await server.stop();
  } catch (e) {
    if (json) logger.error(`while stopping: ${firstLine(e)}`, { event: "stop-failed" });
    else io.stderr(`furrow iglu-server: while stopping: ${firstLine(e)}\n`);
    return 1;
  }
  if (json) logger.info("stopped", { event: "stopped" });
  else io.stdout("iglu-server stopped\n");
  return 0;
}

export const igluServerCommand: Command = {
  path: ["iglu-server"],
  summary: "run the Iglu Server (Snowplow's Iglu Server REST API)",
  help: `Usage: furrow iglu-server [flags]

Serves Snowplow's Iglu Server API under /api (schemas, drafts, keys, validation, meta) and the
static-registry layout under /schemas, so an Iglu client can use {url}/api or {url}. The tables
are created or migrated on start. Runs until Ctrl-C (SIGINT) or SIGTERM, which lets requests in
flight finish and exits 0. Health: GET /api/meta/health (and /api/meta/health/db); Prometheus
metrics: GET /metrics (furrow_iglu_server_requests_total, _request_duration_seconds).

${serverFlagsHelp}`,
  async run(argv, io) {
    const config = await loadIgluServerConfig(argv, processEnvironment(), process.cwd());
    return runIgluServer(config, io, igluLogSettings(argv));
  },
};

export const igluServerSetupCommand: Command = {
  path: ["iglu-server", "setup"],
  summary: "create or migrate the Iglu Server's tables, then exit",
  help: `Usage: furrow iglu-server setup [flags]

Creates the Iglu Server's tables (iglu_schemas, iglu_drafts, iglu_permissions and their enum
types) where missing, and adds columns older servers lack. Safe to run again.

${serverFlagsHelp}`,
  async run(argv, io) {
    const config = await loadIgluServerConfig(argv, processEnvironment(), process.cwd());
    try {
      io.stdout(`iglu-server setup: tables ready in ${await setupIgluServer(config)}\n`);
      return 0;
    } catch (e) {
      io.stderr(`furrow iglu-server setup: ${firstLine(e)}\n`);
      return 1;
    }
  },
};

async function readFolder(dir: string | undefined, command: string): Promise<SchemaFolder> {
  if (dir === undefined) throw new UsageError(`${command} needs a folder: furrow ${command} DIR`);
  try {
    return await readSchemaFolder(resolve(process.cwd(), dir));
  } catch (e) {
    throw new UsageError(`cannot read ${dir}: ${firstLine(e)}`);
  }
}

const PUSH_FLAGS = {
  registry: { type: "string" },
  "api-key": { type: "string" },
  public: { type: "boolean" },
  concurrency: { type: "string" },
} as const;

/** `furrow iglu push`, given its arguments; exported for tests. */
export async function runPush(argv: readonly string[], io: CommandIO, send?: typeof fetch): Promise<number> {
  const { values, positionals } = parseFlags(argv, PUSH_FLAGS, true);
  if (positionals.length > 1) throw new UsageError(`expected one folder, got ${positionals.join(" ")}`);
  if (values.registry === undefined) throw new UsageError("--registry URL is required");
  try {
    const url = new URL(values.registry);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error();
  } catch {
    throw new UsageError(`--registry: '${values.registry}' is not an http(s) URL`);
  }
  if (values["api-key"] === undefined || parseApiKey(values["api-key"]) === null) {
    throw new UsageError("--api-key UUID is required (a key that may publish these vendors)");
  }
  const concurrency = values.concurrency === undefined ? 4 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new UsageError("--concurrency: expected a positive integer");
  const folder = await readFolder(positionals[0], "iglu push");
  for (const p of folder.problems) io.stderr(`skipped ${p.path}: ${p.message}\n`);
  const results = await pushSchemas(
    folder.schemas,
    {
      registry: values.registry,
      apiKey: values["api-key"],
      isPublic: values.public ?? false,
      concurrency,
      send,
    },
    (r: PushResult) => {
      if (r.outcome === "failed")
        io.stderr(`failed  ${formatSchemaKey(r.file.key)}: ${r.status ?? "-"} ${r.message}\n`);
    },
  );
  const count = (o: PushResult["outcome"]) => results.filter((r) => r.outcome === o).length;
  const failed = count("failed");
  const files = (n: number) => `${n} file${n === 1 ? "" : "s"}`;
  io.stdout(
    `pushed ${folder.schemas.length} schemas to ${apiRoot(values.registry)}: ${count("created")} created, ` +
      `${count("updated")} updated, ${count("unchanged")} unchanged, ${failed} failed` +
      (folder.skipped.length > 0 ? `; skipped ${files(folder.skipped.length)} of other formats` : "") +
      (folder.problems.length > 0 ? `; ${files(folder.problems.length)} unusable` : "") +
      "\n",
  );
  return failed > 0 || folder.problems.length > 0 ? 1 : 0;
}

export const igluPushCommand: Command = {
  path: ["iglu", "push"],
  summary: "upload a folder of schemas (static layout) to an Iglu Server",
  help: `Usage: furrow iglu push DIR --registry URL --api-key UUID [--public]

Uploads every self-describing JSON Schema under DIR (or DIR/schemas), laid out as
vendor/name/format/MODEL-REVISION-ADDITION, with one PUT each to {registry}/api/schemas/…, as
igluctl static push does. Versions go up in SchemaVer order, so the server's sequencing rules
pass. A version the server already holds with the same body counts as unchanged. Files of other
formats (avro, thrift…) are skipped.

Exit status: 0 if every schema was accepted, 1 otherwise, 2 on a usage error.

Flags:
  --registry URL      the server's base URL (http://host:8080) or API root (…/api)
  --api-key UUID      a key allowed to publish these vendors
  --public            publish as public schemas (default private)
  --concurrency N     vendor/name groups uploaded at once (default 4)
  -h, --help          show this help
`,
  run: (argv, io) => runPush(argv, io),
};

const LINT_FLAGS = { level: { type: "string" } } as const;
const LEVELS: readonly LintLevel[] = ["ERROR", "WARNING", "INFO"];

export const igluLintCommand: Command = {
  path: ["iglu", "lint"],
  summary: "report what an Iglu Server would refuse in a folder of schemas",
  help: `Usage: furrow iglu lint DIR [--level error|warning|info]

Lints every schema under DIR (or DIR/schemas) as an Iglu Server does before publishing it
(draft-04 metaschema, Iglu's self and $schema rules, schema-ddl's linters), and checks the folder
itself: files must be at vendor/name/format/MODEL-REVISION-ADDITION with a matching self, and each
version's predecessors must be present (else the server's sequencing rules refuse it).
Prints one line per finding at the given level or above (default warning):
  LEVEL path pointer: message

Exit status: 0 without errors, 1 with any, 2 on a usage error.
`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, LINT_FLAGS, true);
    if (positionals.length > 1) throw new UsageError(`expected one folder, got ${positionals.join(" ")}`);
    const level = (values.level ?? "warning").toUpperCase() as LintLevel;
    if (!LEVELS.includes(level)) throw new UsageError("--level: expected error, warning or info");
    const shown = LEVELS.slice(0, LEVELS.indexOf(level) + 1);
    const folder = await readFolder(positionals[0], "iglu lint");
    const counts: Record<LintLevel, number> = { ERROR: 0, WARNING: 0, INFO: 0 };
    const report = (l: LintLevel, path: string, pointer: string, text: string) => {
      counts[l] += 1;
      if (shown.includes(l)) io.stdout(`${l} ${path} ${pointer}: ${text}\n`);
    };
    for (const p of folder.problems) report("ERROR", p.path, "/", p.message);
    for (const s of folder.skipped) report("INFO", s.path, "/", `skipped: ${s.message}`);
    // Versions of each vendor/name seen so far, in publication order.
    const published = new Map<string, SchemaVer[]>();
    for (const file of publicationOrder(folder.schemas)) {
      for (const m of lintSchema(file.json)) report(m.level, file.path, m.pointer, m.message);
      const group = `${file.key.vendor}/${file.key.name}`;
      const before = published.get(group) ?? [];
      const refused = sequencingProblem(before, file.key.version);
      if (refused) {
        report("ERROR", file.path, "/", `a registry would refuse it: ${inconsistencyMessage(refused)}`);
      }
      published.set(group, [...before, file.key.version]);
    }
    io.stdout(
      `linted ${folder.schemas.length} schemas in ${folder.root}: ${counts.ERROR} errors, ${counts.WARNING} warnings, ${counts.INFO} infos\n`,
    );
    return counts.ERROR > 0 ? 1 : 0;
  },
};

export const igluCommands: readonly Command[] = [
  igluServerCommand,
  igluServerSetupCommand,
  igluPushCommand,
  igluLintCommand,
];
