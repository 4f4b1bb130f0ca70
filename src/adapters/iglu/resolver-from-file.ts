/**
 * @module
 * Builds an Iglu resolver from a resolver config file (Snowplow's `--iglu-config resolver.json`),
 * reading embedded repositories from the file system. A relative embedded `path` is resolved
 * against the config file's directory, so a config and its schemas can move together.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { type Resolver, type ResolverDependencies, resolverFromConfig } from "../../core/iglu/resolver.ts";
import { parseResolverConfigText, type ResolverConfigError } from "../../core/iglu/resolver-config.ts";
import { err, type Result } from "../../core/result.ts";
import { fileSystemSource } from "./file-system-source.ts";

/**
 * Reads, validates and wires the resolver config at `path`. A file that cannot be read is an
 * error at `$`, like a file that is not JSON.
 *
 * @example
 * const resolver = await resolverFromFile("config/iglu_resolver.json");
 * if (!resolver.ok) throw new Error(formatResolverConfigError(resolver.error));
 */
export async function resolverFromFile(
  path: string,
  dependencies: Omit<ResolverDependencies, "staticSource"> = {},
): Promise<Result<Resolver, ResolverConfigError>> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, "utf8");
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return err({
      kind: "InvalidResolverConfig",
      issues: [{ path: "$", message: `cannot read ${absolute}: ${message}` }],
    });
  }
  const config = parseResolverConfigText(text);
  if (!config.ok) return config;
  return resolverFromConfig(config.value, {
    ...dependencies,
    staticSource: fileSystemSource(dirname(absolute)),
  });
}
