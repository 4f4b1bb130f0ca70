/**
 * @module
 * Furrow's version, from package.json: what every app names itself by (the collector's payload
 * `collector` field, enrich's `v_etl`, the processor of bad rows, the Parquet writer).
 */
import packageJson from "../../package.json" with { type: "json" };

export const FURROW_VERSION: string = packageJson.version;
