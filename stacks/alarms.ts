/**
 * @module
 * CloudWatch alarms of a stage, sent to one SNS topic (and an email address if given):
 * - iterator age: a consumer of a stream has fallen behind (`GetRecords.IteratorAgeMilliseconds`,
 *   the maximum over the stream's consumers, Kinesis's own metric);
 * - bad-row rate: bad-1 receives more than a fraction of what raw receives (metric math on
 *   `IncomingRecords`);
 * - bad-2: any record at all, which means a loader could not load a bad row.
 * Missing data is not breaching: a stage with no traffic is healthy.
 */
import { readersOf, STREAM_ROLES, type Topology } from "../src/core/topology";
import type { StackSettings } from "./settings";

export function pipelineAlarms(topology: Topology, settings: StackSettings) {
  const tags = { "furrow:stage": topology.stage };
  const topic = new aws.sns.Topic("Alarms", { name: `${topology.prefix}-alarms`, tags });
  if (settings.alarmEmail) {
    new aws.sns.TopicSubscription("AlarmsEmail", {
      topic: topic.arn,
      protocol: "email",
      endpoint: settings.alarmEmail,
    });
  }
  const actions = {
    alarmActions: [topic.arn],
    okActions: [topic.arn],
    treatMissingData: "notBreaching",
    tags,
  };

  const iteratorAge = STREAM_ROLES.filter((role) => readersOf(topology, role).length > 0).map((role) => {
    const stream = topology.streams[role].name;
    return new aws.cloudwatch.MetricAlarm(`IteratorAge-${role}`, {
      name: `${stream}-iterator-age`,
      alarmDescription: `A consumer of ${stream} (${readersOf(topology, role)
        .map((a) => a.id)
        .join(", ")}) is more than ${settings.iteratorAgeAlarmMs} ms behind`,
      namespace: "AWS/Kinesis",
      metricName: "GetRecords.IteratorAgeMilliseconds",
      dimensions: { StreamName: stream },
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: 5,
      threshold: settings.iteratorAgeAlarmMs,
      comparisonOperator: "GreaterThanThreshold",
      ...actions,
    });
  });

  const incoming = (id: string, role: "raw" | "bad-1") => ({
    id,
    returnData: false,
    metric: {
      namespace: "AWS/Kinesis",
      metricName: "IncomingRecords",
      dimensions: { StreamName: topology.streams[role].name },
      stat: "Sum",
      period: 300,
    },
  });
  const badRowRate = new aws.cloudwatch.MetricAlarm("BadRowRate", {
    name: `${topology.prefix}-bad-row-rate`,
    alarmDescription: `More than ${settings.badRowRateAlarm} bad rows (bad-1) per raw record over 5 minutes`,
    evaluationPeriods: 1,
    threshold: settings.badRowRateAlarm,
    comparisonOperator: "GreaterThanThreshold",
    metricQueries: [
      incoming("bad", "bad-1"),
      incoming("raw", "raw"),
      {
        id: "rate",
        expression: "IF(raw > 0, bad / raw, 0)",
        label: "bad rows per raw record",
        returnData: true,
      },
    ],
    ...actions,
  });

  const bad2 = new aws.cloudwatch.MetricAlarm("Bad2Records", {
    name: `${topology.streams["bad-2"].name}-records`,
    alarmDescription: "A loader could not load a bad row: records arrived on bad-2",
    namespace: "AWS/Kinesis",
    metricName: "IncomingRecords",
    dimensions: { StreamName: topology.streams["bad-2"].name },
    statistic: "Sum",
    period: 300,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    ...actions,
  });
  return { topic, iteratorAge, badRowRate, bad2 };
}
