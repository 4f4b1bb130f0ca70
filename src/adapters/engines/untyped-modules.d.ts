/**
 * @module
 * Types for the local engines that ship none, limited to what Furrow uses: each returns a Node
 * `http.Server` (kinesalite, dynalite) or a Koa app that owns one (s3rver).
 */

declare module "kinesalite" {
  import type { Server } from "node:http";

  interface KinesaliteOptions {
    /** LevelDB directory; in memory when absent. */
    path?: string;
    createStreamMs?: number;
    deleteStreamMs?: number;
    updateStreamMs?: number;
    shardLimit?: number;
  }
  function kinesalite(options?: KinesaliteOptions): Server;
  export default kinesalite;
}

declare module "dynalite" {
  import type { Server } from "node:http";

  interface DynaliteOptions {
    /** LevelDB directory; in memory when absent. */
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
  }
  function dynalite(options?: DynaliteOptions): Server;
  export default dynalite;
}

declare module "s3rver" {
  import type { Server } from "node:http";
  import type { AddressInfo } from "node:net";

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    /** Where buckets and objects are kept, as plain files. */
    directory?: string;
    resetOnClose?: boolean;
  }
  class S3rver {
    constructor(options?: S3rverOptions);
    /** The listening server once `run()` resolved. */
    httpServer?: Server;
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
  export default S3rver;
}
