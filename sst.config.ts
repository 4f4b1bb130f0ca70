/// <reference path="./.sst/platform/config.d.ts" />
/**
 * @module
 * `sst deploy --stage X`: the pipeline's AWS resources for one stage, derived from the same
 * topology (`src/core/topology.ts`) that `furrow up` provisions on the local engines. SST forbids
 * top-level value imports here, so stacks are imported inside `run()`. This is the only module of
 * the stacks that reads the environment: `FURROW_*` variables choose the parts and sizes (see
 * stacks/settings.ts and docs/deploy.md).
 *
 * `sst dev` deploys nothing to AWS: it runs `furrow up` for the stage, the whole pipeline on the
 * embedded engines, in SST's multiplexer.
 */
export default $config({
  app(input) {
    return {
      name: "furrow",
      removal: input?.stage === "production" ? "retain" : "remove",
      protect: input?.stage === "production",
      home: "aws",
    };
  },
  async run() {
    const { furrowTopology } = await import("./src/core/topology");
    const { stackSettings } = await import("./stacks/settings");
    const settings = stackSettings(process.env);
    const topology = furrowTopology({
      stage: $app.stage,
      shards: {
        raw: settings.shards,
        enriched: settings.shards,
        "bad-1": settings.shards,
        "bad-2": settings.shards,
      },
      bucket: settings.bucket,
    });
    if ($dev) {
      new sst.x.DevCommand("Furrow", {
        dev: {
          title: "furrow up",
          command: `node bin/furrow.cjs up --stage ${topology.stage} --data-dir .furrow/dev-${topology.stage}`,
          autostart: true,
        },
      });
      return { mode: "dev: the pipeline runs locally on the embedded engines (furrow up)" };
    }
    const { furrowPipeline } = await import("./stacks/pipeline");
    const pipeline = furrowPipeline(topology, settings, { igluSuperApiKey: crypto.randomUUID() });
    return pipeline.outputs;
  },
});
