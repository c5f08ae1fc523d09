/**
 * Least-privilege building blocks for aws scopes: each helper expands to the exact actions one
 * common job needs, on exactly the resources given. Use them in `scopes` of aws-iam / aws-secret.
 */
import * as pulumi from "@pulumi/pulumi";
import { THIS_SECRET } from "../schema/scopes";

/** An aws scope whose resources may come from other resources (ARNs as Outputs). */
export interface AwsScopeInput {
  readonly actions: readonly string[];
  readonly resources: readonly pulumi.Input<string>[];
  readonly conditions?: Record<string, Record<string, unknown>>;
}

const under = (arn: pulumi.Input<string>, prefix: string) =>
  pulumi.output(arn).apply((a) => `${a}/${prefix.replace(/^\/+/, "")}*`);

export const awsScopes = {
  /** Read objects under one prefix of one bucket (and list that prefix only). */
  s3ReadPrefix(bucketArn: pulumi.Input<string>, prefix: string): AwsScopeInput[] {
    return [
      { actions: ["s3:GetObject"], resources: [under(bucketArn, prefix)] },
      {
        actions: ["s3:ListBucket"],
        resources: [bucketArn],
        conditions: { StringLike: { "s3:prefix": [`${prefix.replace(/^\/+/, "")}*`] } },
      },
    ];
  },
  /** Write (put) objects under one prefix of one bucket; no delete, no read. */
  s3WritePrefix(bucketArn: pulumi.Input<string>, prefix: string): AwsScopeInput {
    return { actions: ["s3:PutObject"], resources: [under(bucketArn, prefix)] };
  },
  /** Publish to one SNS topic. */
  snsPublish(topicArn: pulumi.Input<string>): AwsScopeInput {
    return { actions: ["sns:Publish"], resources: [topicArn] };
  },
  /** Send messages to one SQS queue. */
  sqsSend(queueArn: pulumi.Input<string>): AwsScopeInput {
    return { actions: ["sqs:SendMessage", "sqs:GetQueueUrl"], resources: [queueArn] };
  },
  /** Receive and delete messages from one SQS queue. */
  sqsConsume(queueArn: pulumi.Input<string>): AwsScopeInput {
    return {
      actions: [
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
      ],
      resources: [queueArn],
    };
  },
  /** Read items of one DynamoDB table. */
  dynamodbRead(tableArn: pulumi.Input<string>): AwsScopeInput {
    return {
      actions: ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan"],
      resources: [tableArn],
    };
  },
  /** Read one secret's current and previous value. With no ARN: the aws-secret token's own secret. */
  secretRead(secretArn: pulumi.Input<string> = THIS_SECRET): AwsScopeInput {
    return {
      actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      resources: [secretArn],
    };
  },
  /** Decrypt with one KMS key. */
  kmsDecrypt(keyArn: pulumi.Input<string>): AwsScopeInput {
    return { actions: ["kms:Decrypt"], resources: [keyArn] };
  },
} as const;
