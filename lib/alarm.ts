/**
 * The dead-man's switch on AWS: a one-time EventBridge Scheduler schedule at the current
 * generation's `expiresAt - alert.before`, publishing the alarm message to an SNS topic (the
 * declared `alert.topicArn`, or one created here) through a role allowed exactly sns:Publish on it.
 * Every successful rotation moves the schedule forward, so it fires only when rotation stopped.
 *
 * Created for aws-iam and aws-secret tokens, and for any token whose alert names a topic; every
 * other stack has `tokenguard report --due` (lib/report/due.ts) as its switch.
 */
import * as pulumi from "@pulumi/pulumi";
import { awsTags } from "./backends/aws-iam";
import { awsPackage } from "./backends/packages";
import type { BackendContext } from "./backends/types";
import { MissingPeerError } from "./peer";
import { alarmInstant, alarmMessage, atExpression } from "./rotation/alarm";
import type { Generation } from "./rotation/schedule";
import type { ScopedTokenArgs } from "./scoped-token-args";
import { parseDuration } from "./schema/duration";

export interface AlarmRequest extends BackendContext {
  readonly args: ScopedTokenArgs;
  readonly current: Generation;
}

/** Whether the token gets an AWS schedule (its alert and backend say so). */
export function hasAwsAlarm(args: ScopedTokenArgs): boolean {
  return (
    args.alert !== undefined &&
    (args.backend === "aws-iam" ||
      args.backend === "aws-secret" ||
      args.alert.topicArn !== undefined)
  );
}

function awsOrRunError(name: string) {
  try {
    return awsPackage();
  } catch (e) {
    if (e instanceof MissingPeerError)
      throw new pulumi.RunError(`ScopedToken "${name}": alert.topicArn: ${e.message}`);
    throw e;
  }
}

/** The role EventBridge Scheduler assumes to publish to `topicArn`, and nothing else. */
function publishRole(req: AlarmRequest, topicArn: pulumi.Input<string>): pulumi.Output<string> {
  const aws = awsOrRunError(req.name);
  const role = new aws.iam.Role(
    `${req.name}-alarm`,
    {
      description: `tokenguard: lets EventBridge Scheduler publish ScopedToken "${req.name}"'s rotation alarm`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "scheduler.amazonaws.com" },
            Action: "sts:AssumeRole",
          },
        ],
      }),
      tags: awsTags(req),
    },
    req.childOpts,
  );
  new aws.iam.RolePolicy(
    `${req.name}-alarm`,
    {
      role: role.id,
      name: "tokenguard-alarm-publish",
      policy: pulumi.output(topicArn).apply((arn) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: ["sns:Publish"], Resource: [arn] }],
        }),
      ),
    },
    req.childOpts,
  );
  return role.arn;
}

/** Declares the schedule (and topic and role, when not given); returns the alarm's instant. */
export function declareAwsAlarm(req: AlarmRequest): { topicArn: pulumi.Output<string> } {
  const alert = req.args.alert;
  if (!alert) throw new Error("declareAwsAlarm: the token declares no alert");
  const aws = awsOrRunError(req.name);
  const topicArn = alert.topicArn
    ? pulumi.output(alert.topicArn)
    : new aws.sns.Topic(`${req.name}-alarm`, { tags: awsTags(req) }, req.childOpts).arn;
  const roleArn = alert.roleArn ? pulumi.output(alert.roleArn) : publishRole(req, topicArn);
  const g = req.current;
  const at = alarmInstant(g.expiresAt, parseDuration(alert.before));
  new aws.scheduler.Schedule(
    `${req.name}-alarm`,
    {
      description: `tokenguard: ScopedToken "${req.name}" generation ${g.n} was not rotated`.slice(
        0,
        512,
      ),
      scheduleExpression: atExpression(at),
      scheduleExpressionTimezone: "UTC",
      flexibleTimeWindow: { mode: "OFF" },
      target: {
        arn: topicArn,
        roleArn,
        input: alarmMessage({
          token: req.name,
          project: pulumi.getProject(),
          stack: pulumi.getStack(),
          generation: g.n,
          rotatesAt: g.rotatesAt,
          expiresAt: g.expiresAt,
          ...(req.spec.owner ? { owner: req.spec.owner } : {}),
          ...(req.spec.purpose ? { purpose: req.spec.purpose } : {}),
          ...(alert.runbook ? { runbook: alert.runbook } : {}),
        }),
      },
    },
    req.childOpts,
  );
  return { topicArn };
}
