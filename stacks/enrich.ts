/**
 * @module
 * The enrich part: `furrow enrich` in stream mode on an EC2 autoscaling group, a KCL consumer of
 * the raw stream with its own lease table, writing enriched events and bad rows. Schemas resolve
 * through Iglu Central and the stage's Iglu Server (or the one the settings name).
 */
import { type AppContext, appGroup, policyJson } from "./app-group";
import { igluResolverConfig, RESOLVER_PATH } from "./iglu";
import { leaseTable } from "./lease-table";
import { userDataScript } from "./user-data";

export function enrichStack(context: AppContext, igluApiUrl: $util.Input<string> | undefined) {
  const { topology } = context;
  const app = topology.apps.enrich;
  if (app.input.kind !== "stream" || app.output.kind !== "stream")
    throw new Error("enrich reads and writes streams");
  const input = app.input;
  const output = app.output;
  const leases = leaseTable(topology, "enrich", context.settings.leaseCapacity);
  const userData = $util
    .all([context.scope, context.release, $util.output(igluApiUrl)])
    .apply(([scope, release, iglu]) =>
      userDataScript({
        service: "enrich",
        region: scope.region,
        release,
        files: [
          {
            path: RESOLVER_PATH,
            content: igluResolverConfig(
              iglu ? [{ name: `${topology.prefix} Iglu Server`, apiUrl: iglu }] : [],
            ),
          },
        ],
        args: [
          "enrich",
          "--log-format",
          "json",
          "--iglu-config",
          RESOLVER_PATH,
          "--input-stream",
          topology.streams[input.stream].name,
          "--good-stream",
          topology.streams[output.stream].name,
          "--bad-stream",
          topology.streams[app.failures].name,
          "--app-name",
          input.leaseTable,
          "--initial-position",
          input.initialPosition,
          "--stage",
          topology.stage,
          "--region",
          scope.region,
        ],
      }),
    );
  const group = appGroup({
    logical: "Enrich",
    name: app.name,
    stage: topology.stage,
    network: context.network,
    size: context.settings.groups.enrich,
    policy: policyJson(context, "enrich"),
    userData,
  });
  return { leases, group };
}
