/**
 * @module
 * The three S3 loaders of `furrow up` (raw, enriched, bad), each the KCL consumer of its stream
 * writing gzip files under its prefix of the one bucket, with Snowplow's partitioning. A file is
 * written when `--s3-max-delay` seconds have passed since its first record (or it is full), and a
 * batch is checkpointed only once its file is written; stopping writes what is held first.
 */

import { defaultS3LoaderConfig } from "../../apps/s3-loader/config.ts";
import { startS3Loader } from "../../apps/s3-loader/main.ts";
import type { LoaderPurpose } from "../../core/loading/purpose.ts";
import { LOCAL_CONSUMER } from "./enrich.ts";
import type { Pipeline, StartedPart, UpPart } from "./part.ts";

export function s3LoaderPart(purpose: LoaderPurpose): UpPart {
  return {
    name: `s3-${purpose}`,
    async start(pipeline: Pipeline): Promise<StartedPart> {
      const { topology, endpoints, region, config } = pipeline;
      const base = defaultS3LoaderConfig(purpose, topology, region);
      const loader = await startS3Loader(
        {
          ...base,
          input: { ...base.input, kinesisEndpoint: endpoints.kinesis, dynamodbEndpoint: endpoints.dynamodb },
          output: { ...base.output, s3Endpoint: endpoints.s3 },
          buffer: { ...base.buffer, timeLimitMs: Math.round(config.s3MaxDelaySeconds * 1000) },
        },
        { log: pipeline.log, idleTimeBetweenReadsMs: LOCAL_CONSUMER.idleTimeBetweenReadsMs },
      );
      const { bucket, directory } = base.output.path;
      return {
        url: `${base.input.streamName} → s3://${bucket}/${directory}/`,
        progress: () => {
          const m = loader.app.metrics();
          return { s3Files: m.filesWritten, bad: m.badRows };
        },
        stop: () => loader.stop(),
      };
    },
  };
}
