/// <reference path="./.sst/platform/config.d.ts" />
/**
 * @module
 * `sst deploy --stage X`: the pipeline's AWS resources for one stage, derived from the same
 * topology (`src/core/topology.ts`) that `furrow up` provisions on the local engines. SST forbids
 * top-level value imports here, so stacks are imported inside `run()` (see docs/architecture.md).
 * Stacks grow with the apps: today the streams, the lease tables and the bucket.
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
    const { pipelineStorage } = await import("./stacks/storage");
    const topology = furrowTopology({ stage: $app.stage });
    return pipelineStorage(topology);
  },
});
