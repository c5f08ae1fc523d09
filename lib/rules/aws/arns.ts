/**
 * How much an ARN in a grant reaches. `"*"` reaches everything; so does an ARN whose resource name
 * is a bare wildcard (`arn:aws:s3:::*`, `arn:aws:s3:::*\/*`, `arn:aws:iam::123456789012:user/*`,
 * `…:function:*`) or whose account is a wildcard. A name with a literal prefix (`bucket/exports/*`,
 * `table/app-*`) reaches a set the grant spells out, and counts as named.
 */
import { iamGlob } from "../globs";

export interface Arn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  /** Everything after the account: `user/admin`, `bucket/key`, `function:name`. */
  readonly resource: string;
}

export function parseArn(text: string): Arn | undefined {
  const parts = text.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  const [, partition, service, region, account] = parts;
  return { partition, service, region, account, resource: parts.slice(5).join(":") };
}

const hasWildcard = (text: string) => /[*?]/.test(text);

/** Services whose resource part is a name with no type in front (`arn:aws:sqs:…:queue-name`). */
const UNTYPED = new Set(["s3", "sqs", "sns"]);

/**
 * Resource parts whose name follows an id: Auto Scaling's
 * `autoScalingGroup:<uuid>:autoScalingGroupName/<name>` (AWS's by-name form puts `*` for the id).
 */
const NAMED_AFTER_ID = /:[A-Za-z]+Name\/(.*)$/;

/**
 * The first name component of an ARN's resource part: the bucket, the user path, the function, the
 * log group (`log-group:/aws/lambda/fn` names `aws`, its leading `/` skipped).
 */
function firstName(arn: Arn): string {
  const resource = arn.resource;
  const cut = resource.search(/[/:]/);
  if (UNTYPED.has(arn.service) || cut < 0) return cut < 0 ? resource : resource.slice(0, cut);
  const type = resource.slice(0, cut);
  if (hasWildcard(type)) return type; // `*/x`: the type itself is open
  const named = NAMED_AFTER_ID.exec(resource);
  const rest = named ? named[1] : resource.slice(cut + 1).replace(/^\/+/, "");
  const next = rest.search(/[/:]/);
  return next < 0 ? rest : rest.slice(0, next);
}

/** True when the ARN (or `"*"`) reaches every resource of its kind, or of every kind. */
export function reachesEverything(resource: string): boolean {
  if (resource === "*") return true;
  const arn = parseArn(resource);
  if (!arn) return hasWildcard(resource);
  if ([arn.partition, arn.service, arn.account].some(hasWildcard)) return true;
  const name = firstName(arn);
  return name === "" || /^[*?]/.test(name);
}

/** True when the ARN names exactly one resource: no wildcard anywhere. */
export function namesOneResource(resource: string): boolean {
  return resource !== "*" && !hasWildcard(resource);
}

/** The policy variable that makes an IAM user ARN mean "the caller itself". */
export const SELF_USER = "${aws:username}";

/**
 * True when the ARN is the calling principal itself: `arn:aws:iam::<account>:user/${aws:username}`
 * (AWS's pattern for self-service), or one of `own`: the principal's ARN when known, or its
 * resource part (`user/path/name`) when only its name is.
 */
export function isOwnPrincipal(resource: string, own: readonly string[] = []): boolean {
  if (own.includes(resource)) return true;
  const arn = parseArn(resource);
  if (arn === undefined || arn.service !== "iam" || hasWildcard(arn.partition)) return false;
  return arn.resource === `user/${SELF_USER}` || own.includes(arn.resource);
}

/** Whether an ARN pattern (glob) in a grant covers a concrete ARN (case-sensitive, as ARNs are). */
export function arnCovers(pattern: string, arn: string): boolean {
  return pattern === "*" || iamGlob(pattern, { caseSensitive: true }).test(arn);
}
