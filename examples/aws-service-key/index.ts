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
});

/** The access key id (not secret). */
export const accessKeyId = key.tokenId;
/** The secret access key (secret). */
export const secretAccessKey = key.value;
/** The key that is being retired, while the overlap window is open (secret). */
export const previousKey = key.previous;
export const userArn = key.userArn;
export const rotatesAt = key.rotatesAt;
