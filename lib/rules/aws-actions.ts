/** What tokenguard knows about IAM actions: which only read, which escalate privilege. */
import { iamGlob } from "./globs";

/** Verbs of actions that only read or list. Everything else is treated as a write. */
const READ_VERBS =
  /^(Get|List|Describe|Head|Search|Select|Query|Scan|BatchGet|Lookup|View|Check|Read|Download|Filter|Estimate|Test|Validate|Preview|Verify|Retrieve|Export|Detect|Simulate)/;

/** True when an action only reads (`s3:GetObject`, `ec2:DescribeInstances`). */
export function isReadOnlyAction(action: string): boolean {
  const verb = action.split(":")[1] ?? "";
  return !verb.includes("*") && READ_VERBS.test(verb);
}

/** Actions that let a holder grant itself more than it was given, whatever the resource. */
export const ESCALATION_ACTIONS = [
  "iam:AttachUserPolicy",
  "iam:AttachGroupPolicy",
  "iam:AttachRolePolicy",
  "iam:PutUserPolicy",
  "iam:PutGroupPolicy",
  "iam:PutRolePolicy",
  "iam:CreatePolicyVersion",
  "iam:SetDefaultPolicyVersion",
  "iam:UpdateAssumeRolePolicy",
  "iam:AddUserToGroup",
  "iam:CreateLoginProfile",
  "iam:UpdateLoginProfile",
  "iam:PutUserPermissionsBoundary",
  "iam:DeleteUserPermissionsBoundary",
  "iam:PutRolePermissionsBoundary",
  "iam:DeleteRolePermissionsBoundary",
] as const;

/** Actions that escalate only when granted on every resource ("*"): fine on one named ARN. */
export const ESCALATION_ON_ANY_RESOURCE = [
  "iam:PassRole",
  "iam:CreateAccessKey",
  "sts:AssumeRole",
] as const;

/** Whether `action` matches any of the glob `patterns` (IAM is case-insensitive on actions). */
export function actionMatches(action: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => iamGlob(p).test(action));
}
