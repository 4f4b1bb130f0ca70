/**
 * @module
 * The whole stage: every part the settings turn on, composed from the stacks in the direction the
 * data flows. A part that is off creates nothing; the parts that are on address its resources by
 * their stage-derived names (streams, lease tables, bucket) or by the settings (VPC, Iglu URL), so
 * each part can be deployed alone, as the seed's Terraform modules can.
 */
import type { Topology } from "../src/core/topology";
import { pipelineAlarms } from "./alarms";
import type { AppContext } from "./app-group";
import { pipelineBucket } from "./bucket";
import { collectorStack } from "./collector";
import { enrichStack } from "./enrich";
import { igluStack } from "./iglu";
import { type NetworkRefs, pipelineNetwork } from "./network";
import { RELEASE_PREFIX } from "./policies";
import { postgresLoaderStack } from "./postgres-loader";
import { S3_LOADER_PURPOSES, s3LoaderStack } from "./s3-loader";
import { type Part, type StackSettings, StackSettingsError } from "./settings";
import { pipelineStreams } from "./streams";

/** The parts that run on EC2 and so install the release. */
const APP_PARTS: readonly Part[] = [
  "collector",
  "iglu",
  "enrich",
  "s3-loader-raw",
  "s3-loader-enriched",
  "s3-loader-bad",
  "postgres-loader",
];

export interface PipelineSecrets {
  /** The Iglu Server's super API key (a UUID), used on its first deploy only. */
  readonly igluSuperApiKey: string;
}

export function furrowPipeline(topology: Topology, settings: StackSettings, secrets: PipelineSecrets) {
  const on = (part: Part) => settings.parts.has(part);
  const created = on("network") ? pipelineNetwork(topology) : undefined;
  const streams = on("streams") ? pipelineStreams(topology) : undefined;
  const bucket = on("bucket") ? pipelineBucket(topology) : undefined;
  const apps = APP_PARTS.some(on)
    ? appParts(topology, settings, created ?? settings.network, bucket, secrets)
    : undefined;
  const alarms = on("alarms") ? pipelineAlarms(topology, settings) : undefined;

  const outputs: Record<string, $util.Input<string>> = {};
  for (const [role, s] of Object.entries(streams ?? {})) outputs[`stream-${role}`] = s.name;
  if (bucket) outputs.bucket = bucket.bucket.bucket;
  if (apps?.collector) outputs.collector = apps.collector.url;
  if (apps?.iglu) {
    outputs.iglu = apps.iglu.apiUrl;
    outputs["iglu-super-api-key-secret"] = apps.iglu.apiKey.arn;
  }
  if (alarms) outputs.alarms = alarms.topic.arn;
  return { network: created, streams, bucket, ...apps, alarms, outputs };
}

/** The parts that run on EC2, and the release they install. */
function appParts(
  topology: Topology,
  settings: StackSettings,
  network: NetworkRefs | undefined,
  bucket: ReturnType<typeof pipelineBucket> | undefined,
  secrets: PipelineSecrets,
) {
  const on = (part: Part) => settings.parts.has(part);
  if (!network)
    throw new StackSettingsError("the app parts need a network: turn 'network' on or set FURROW_VPC_ID");
  const release = new aws.s3.BucketObjectv2(
    "Release",
    {
      bucket: bucket ? bucket.bucket.bucket : topology.bucket.name,
      key: `${RELEASE_PREFIX}furrow.tgz`,
      source: new $util.asset.FileAsset(settings.packagePath),
      contentType: "application/gzip",
    },
    bucket ? { dependsOn: [bucket.publicAccess, bucket.encryption] } : undefined,
  );
  const context: AppContext = {
    topology,
    settings,
    network,
    scope: $util
      .all([
        aws.getPartitionOutput().partition,
        aws.getRegionOutput().region,
        aws.getCallerIdentityOutput().accountId,
      ])
      .apply(([partition, region, accountId]) => ({ partition, region, accountId })),
    release: $util
      .all([release.bucket, release.key, release.etag])
      .apply(([name, key, etag]) => ({ bucket: name, key, etag })),
  };
  const iglu = on("iglu") ? igluStack(context, secrets.igluSuperApiKey) : undefined;
  const igluApiUrl = iglu?.apiUrl ?? settings.igluUrl;
  return {
    release,
    collector: on("collector") ? collectorStack(context) : undefined,
    iglu,
    enrich: on("enrich") ? enrichStack(context, igluApiUrl) : undefined,
    s3Loaders: S3_LOADER_PURPOSES.filter((p) => on(`s3-loader-${p}`)).map((p) => s3LoaderStack(context, p)),
    postgresLoader: on("postgres-loader") ? postgresLoaderStack(context, igluApiUrl) : undefined,
  };
}
