// An IAM access key for a service that runs outside AWS (so it cannot use a role): it may read one
// prefix of one bucket and publish to one topic — nothing else. Keys never expire by themselves in
// AWS: rotation happens when `pulumi up` runs (schedule it, see examples/ci), and the user holds at
// most two keys at any time.
import * as aws from "@pulumi/aws";
import { ScopedToken, awsScopes } from "tokenguard";

const reports = new aws.s3.Bucket("reports", { forceDestroy: false });
const done = new aws.sns.Topic("export-done");

const key = new ScopedToken("report-exporter", {
  backend: "aws-iam",
  scopes: [...awsScopes.s3ReadPrefix(reports.arn, "exports/"), awsScopes.snsPublish(done.arn)],
  ttl: "61d",
  rotation: { every: "60d", overlap: "1d" },
  owner: "team-data",
  purpose: "on-prem report exporter reads exports/ and announces completion",
  // The canary (sts:GetCallerIdentity with each new key) is on by default. The dead-man's switch:
  // an EventBridge schedule 12h before the key in use expires, which only a stalled rotation
  // reaches; its SNS topic is created beside the key (output alarmTopic: subscribe to it).
  alert: { before: "12h", runbook: "https://wiki.example.com/runbooks/token-rotation" },
});

/** The access key id (not secret). */
export const accessKeyId = key.tokenId;
/** The secret access key (secret). */
export const secretAccessKey = key.value;
/** The key that is being retired, while the overlap window is open (secret). */
export const previousKey = key.previous;
export const userArn = key.userArn;
export const rotatesAt = key.rotatesAt;
/** When the rotation alarm fires if rotation stops, and the topic it publishes to. */
export const alarmAt = key.alarmAt;
export const alarmTopic = key.alarmTopicArn;
