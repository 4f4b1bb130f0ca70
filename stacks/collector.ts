/**
 * @module
 * The collector part: `furrow collector` on EC2 behind an internet-facing ALB (HTTP, plus HTTPS
 * when a certificate is given), writing tracker requests to the raw stream and size violations
 * to bad-1.
 */
import { type AppContext, appGroup, appLoadBalancer, policyJson } from "./app-group";
import { userDataScript } from "./user-data";

export const COLLECTOR_PORT = 8080;

export function collectorStack(context: AppContext) {
  const { topology } = context;
  const app = topology.apps.collector;
  const lb = appLoadBalancer({
    logical: "Collector",
    name: app.name,
    stage: topology.stage,
    network: context.network,
    port: COLLECTOR_PORT,
    healthPath: "/health",
    certificateArn: context.settings.certificateArn,
  });
  const userData = $util.all([context.scope, context.release]).apply(([scope, release]) =>
    userDataScript({
      service: "collector",
      region: scope.region,
      release,
      args: [
        "collector",
        "--interface",
        "0.0.0.0",
        "--port",
        String(COLLECTOR_PORT),
        "--sink",
        "kinesis",
        "--good",
        topology.streams.raw.name,
        "--bad",
        topology.streams[app.failures].name,
        "--stage",
        topology.stage,
        "--region",
        scope.region,
      ],
    }),
  );
  const group = appGroup({
    logical: "Collector",
    name: app.name,
    stage: topology.stage,
    network: context.network,
    size: context.settings.groups.collector,
    policy: policyJson(context, "collector"),
    userData,
    ingress: { port: COLLECTOR_PORT, fromSecurityGroupId: lb.securityGroup.id },
    targetGroupArns: [lb.targetGroup.arn],
  });
  return { lb, group, url: $interpolate`http://${lb.loadBalancer.dnsName}` };
}
