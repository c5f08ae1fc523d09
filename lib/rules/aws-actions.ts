/** What tokenguard knows about IAM actions: which only read (the escalation model is ./aws/escalation). */
import { iamGlob } from "./globs";

/** Verbs of actions that only read or list. Everything else is treated as a write. */
const READ_VERBS =
  /^(Get|List|Describe|Head|Search|Select|Query|Scan|BatchGet|Lookup|View|Check|Read|Download|Filter|Estimate|Test|Validate|Preview|Verify|Retrieve|Export|Detect|Simulate)/;

/** True when an action only reads (`s3:GetObject`, `ec2:DescribeInstances`). */
export function isReadOnlyAction(action: string): boolean {
  const verb = action.split(":")[1] ?? "";
  return !verb.includes("*") && READ_VERBS.test(verb);
}

/** Whether `action` matches any of the glob `patterns` (IAM is case-insensitive on actions). */
export function actionMatches(action: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => iamGlob(p).test(action));
}
