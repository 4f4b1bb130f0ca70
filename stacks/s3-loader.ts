/**
 * @module
 * One S3 loader part (raw, enriched or bad): `furrow s3-loader` on EC2, a KCL consumer of its
 * stream with its own lease table, writing files under its own prefix of the stage's bucket and
 * its own failures to the topology's failure stream. The three are separate parts, as the seed's
 * three Terraform modules are.
 */
import type { AppId } from "../src/core/topology";
import { type AppContext, appGroup, policyJson } from "./app-group";
import { leaseTable } from "./lease-table";
import { userDataScript } from "./user-data";

export const S3_LOADER_PURPOSES = ["raw", "enriched", "bad"] as const;
export type S3LoaderPurpose = (typeof S3_LOADER_PURPOSES)[number];

const LOGICAL: Record<S3LoaderPurpose, string> = {
  raw: "S3LoaderRaw",
  enriched: "S3LoaderEnriched",
  bad: "S3LoaderBad",
};

export function s3LoaderStack(context: AppContext, purpose: S3LoaderPurpose) {
  const { topology } = context;
  const id: AppId = `s3-loader-${purpose}`;
  const app = topology.apps[id];
  if (app.input.kind !== "stream" || app.output.kind !== "s3")
    throw new Error(`${id} loads a stream into S3`);
  const input = app.input;
  const prefix = app.output.prefix.replace(/\/$/, "");
  const leases = leaseTable(topology, id, context.settings.leaseCapacity);
  const userData = $util.all([context.scope, context.release]).apply(([scope, release]) =>
    userDataScript({
      service: id,
      region: scope.region,
      release,
      args: [
        "s3-loader",
        "--log-format",
        "json",
        "--purpose",
        purpose,
        "--input-stream",
        topology.streams[input.stream].name,
        "--app-name",
        input.leaseTable,
        "--path",
        `s3://${topology.bucket.name}/${prefix}`,
        "--bad-stream",
        topology.streams[app.failures].name,
        "--stage",
        topology.stage,
        "--region",
        scope.region,
      ],
    }),
  );
  const group = appGroup({
    logical: LOGICAL[purpose],
    name: app.name,
    stage: topology.stage,
    network: context.network,
    size: context.settings.groups.loader,
    policy: policyJson(context, id),
    userData,
  });
  return { leases, group };
}
