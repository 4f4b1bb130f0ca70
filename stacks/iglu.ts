/**
 * @module
 * The Iglu part: an RDS PostgreSQL database, the Iglu Server (`furrow iglu-server`) on EC2 behind
 * its own ALB, and its super API key in Secrets Manager. Reading public schemas needs no key;
 * publishing (`furrow iglu push`) does, and the key is fetched with the AWS CLI by whoever may.
 */
import { type AppContext, appGroup, appLoadBalancer, policyJson } from "./app-group";
import { pipelineDatabase } from "./database";
import { userDataScript } from "./user-data";

/** Snowplow's resolver config (resolver-config 1-0-3): Iglu Central, then each given server. */
export function igluResolverConfig(servers: readonly { name: string; apiUrl: string }[]): string {
  const repository = (name: string, uri: string, priority: number) => ({
    name,
    priority,
    vendorPrefixes: [],
    connection: { http: { uri } },
  });
  return JSON.stringify(
    {
      schema: "iglu:com.snowplowanalytics.iglu/resolver-config/jsonschema/1-0-3",
      data: {
        cacheSize: 500,
        cacheTtl: 600,
        repositories: [
          repository("Iglu Central", "http://iglucentral.com", 1),
          ...servers.map((s) => repository(s.name, s.apiUrl, 0)),
        ],
      },
    },
    null,
    2,
  );
}

/** Where the apps find the resolver config the user data writes. */
export const RESOLVER_PATH = "/etc/furrow/iglu-resolver.json";

export const IGLU_PORT = 8080;

export function igluStack(context: AppContext, superApiKey: $util.Input<string>) {
  const { topology } = context;
  const name = `${topology.prefix}-iglu`;
  const database = pipelineDatabase({
    topology,
    logical: "IgluDb",
    name,
    database: "iglu",
    network: context.network,
  });
  const apiKey = new aws.secretsmanager.Secret("IgluSuperApiKey", {
    name: `${name}-super-api-key`,
    description: `${name}: the Iglu Server's super API key`,
    recoveryWindowInDays: topology.stage === "production" ? 30 : 0,
    tags: { "furrow:stage": topology.stage },
  });
  new aws.secretsmanager.SecretVersion(
    "IgluSuperApiKeyValue",
    { secretId: apiKey.id, secretString: $util.secret(superApiKey) },
    // The key is drawn once; later deploys must not rotate it under the users' feet.
    { ignoreChanges: ["secretString"] },
  );
  const lb = appLoadBalancer({
    logical: "Iglu",
    name,
    stage: topology.stage,
    network: context.network,
    port: IGLU_PORT,
    healthPath: "/api/meta/health",
  });
  const userData = $util
    .all([context.scope, context.release, database.secretArn, database.instance.address, apiKey.arn])
    .apply(([scope, release, dbSecret, host, keyArn]) =>
      userDataScript({
        service: "iglu-server",
        region: scope.region,
        release,
        database: { secretArn: dbSecret, host, port: 5432, database: "iglu" },
        secrets: { IGLU_SUPER_API_KEY: keyArn },
        args: ["iglu-server", "--host", "0.0.0.0", "--port", String(IGLU_PORT), "--log-format", "json"],
      }),
    );
  const group = appGroup({
    logical: "Iglu",
    name,
    stage: topology.stage,
    network: context.network,
    size: context.settings.groups.loader,
    policy: policyJson(context, "iglu-server", [database.secretArn, apiKey.arn]),
    userData,
    ingress: { port: IGLU_PORT, fromSecurityGroupId: lb.securityGroup.id },
    targetGroupArns: [lb.targetGroup.arn],
  });
  database.allowFrom("Iglu", group.securityGroup.id);
  return {
    database,
    apiKey,
    lb,
    group,
    apiUrl: $interpolate`http://${lb.loadBalancer.dnsName}/api`,
  };
}
