/**
 * @module
 * The Postgres loader part: the pipeline's RDS PostgreSQL database and two loaders on EC2, one of
 * enriched events into `atomic` and one of bad rows into `atomic_bad`, each a KCL consumer with
 * its own lease table and role. The enriched loader resolves schemas as enrich does.
 */
import type { AppId } from "../src/core/topology";
import { type AppContext, appGroup, policyJson } from "./app-group";
import { pipelineDatabase } from "./database";
import { igluResolverConfig, RESOLVER_PATH } from "./iglu";
import { leaseTable } from "./lease-table";
import { userDataScript } from "./user-data";

export function postgresLoaderStack(context: AppContext, igluApiUrl: $util.Input<string> | undefined) {
  const { topology } = context;
  const database = pipelineDatabase({
    topology,
    logical: "PipelineDb",
    name: `${topology.prefix}-pipeline`,
    database: topology.postgres.database,
    network: context.network,
  });
  const loader = (id: AppId & `postgres-loader-${string}`, logical: string) => {
    const app = topology.apps[id];
    if (app.input.kind !== "stream" || app.output.kind !== "postgres")
      throw new Error(`${id} loads into Postgres`);
    const input = app.input;
    const output = app.output;
    const enriched = output.purpose === "ENRICHED_EVENTS";
    const leases = leaseTable(topology, id, context.settings.leaseCapacity);
    const userData = $util
      .all([
        context.scope,
        context.release,
        database.secretArn,
        database.instance.address,
        $util.output(igluApiUrl),
      ])
      .apply(([scope, release, secretArn, host, iglu]) =>
        userDataScript({
          service: id,
          region: scope.region,
          release,
          database: { secretArn, host, port: 5432, database: topology.postgres.database },
          files: enriched
            ? [
                {
                  path: RESOLVER_PATH,
                  content: igluResolverConfig(
                    iglu ? [{ name: `${topology.prefix} Iglu Server`, apiUrl: iglu }] : [],
                  ),
                },
              ]
            : [],
          args: [
            "postgres-loader",
            "--log-format",
            "json",
            "--purpose",
            enriched ? "enriched" : "bad",
            ...(enriched ? ["--iglu-config", RESOLVER_PATH] : []),
            "--schema",
            output.schema,
            "--stream",
            topology.streams[input.stream].name,
            "--failures-stream",
            topology.streams[app.failures].name,
            "--app-name",
            input.leaseTable,
            "--stage",
            topology.stage,
            "--region",
            scope.region,
          ],
        }),
      );
    const group = appGroup({
      logical,
      name: app.name,
      stage: topology.stage,
      network: context.network,
      size: context.settings.groups.loader,
      policy: policyJson(context, id, [database.secretArn]),
      userData,
    });
    database.allowFrom(logical, group.securityGroup.id);
    return { leases, group };
  };
  return {
    database,
    enriched: loader("postgres-loader-enriched", "PostgresLoaderEnriched"),
    bad: loader("postgres-loader-bad", "PostgresLoaderBad"),
  };
}
