/**
 * Rotation of raw AWS credentials: access keys no ScopedToken owns never rotate, and every Secrets
 * Manager secret must rotate within the aws-secret ceiling (or be a ScopedToken's own).
 */
import { formatDuration } from "../../schema/duration";
import type { BackendPolicy } from "../../schema/policy-file";
import { ownedByScopedToken } from "../ownership";
import { AWS_TYPES, ofType, refersTo, type NodeFinding, type StackNode } from "./stack";

/** `aws-access-key-rotation`: every access key in the stack that no ScopedToken owns. */
export function judgeAccessKeys(
  nodes: readonly StackNode[],
  limits: BackendPolicy,
  source: string,
): NodeFinding<"aws-access-key-rotation">[] {
  const ceiling = formatDuration(limits.maxRotation);
  return ofType(nodes, AWS_TYPES.accessKey)
    .filter((key) => !ownedByScopedToken(key.urn))
    .map((key) => ({
      rule: "aws-access-key-rotation" as const,
      urn: key.urn,
      field: "user",
      message: `access key "${key.name}" is not owned by a ScopedToken: nothing rotates it and it never expires, while aws-iam keys must rotate at least every ${ceiling} (${source}); declare it with ScopedToken (backend: "aws-iam")`,
    }));
}

/** Rotation interval in seconds from SecretRotation `rotationRules`, when it can be read. */
export function rotationSeconds(rules: unknown): number | undefined {
  if (typeof rules !== "object" || rules === null) return undefined;
  const { automaticallyAfterDays, scheduleExpression } = rules as Record<string, unknown>;
  if (typeof automaticallyAfterDays === "number") return automaticallyAfterDays * 86400;
  const rate =
    typeof scheduleExpression === "string"
      ? /^rate\(\s*(\d+)\s+(hour|hours|day|days)\s*\)$/.exec(scheduleExpression.trim())
      : null;
  if (!rate) return undefined; // cron(...) schedules are not judged
  return Number(rate[1]) * (rate[2].startsWith("hour") ? 3600 : 86400);
}

/**
 * `aws-secret-rotation`: every Secrets Manager secret is a credential, whatever its name: it must be
 * owned by a ScopedToken or rotated by a SecretRotation within the aws-secret ceiling (`source`
 * names the policy).
 */
export function judgeTokenSecrets(
  nodes: readonly StackNode[],
  limits: BackendPolicy,
  source: string,
): NodeFinding<"aws-secret-rotation">[] {
  const rotations = ofType(nodes, AWS_TYPES.secretRotation);
  const ceiling = formatDuration(limits.maxRotation);
  const findings: NodeFinding<"aws-secret-rotation">[] = [];
  for (const secret of ofType(nodes, AWS_TYPES.secret)) {
    if (ownedByScopedToken(secret.urn)) continue;
    const rotation = rotations.find(
      (r) => refersTo(r, "secretId", secret) || r.dependencies.includes(secret.urn),
    );
    const add = (message: string) =>
      findings.push({ rule: "aws-secret-rotation", urn: secret.urn, field: "rotation", message });
    if (!rotation) {
      add(
        `secret "${secret.name}" is a credential and nothing rotates it; add an aws.secretsmanager.SecretRotation every ${ceiling} or less, or declare it with ScopedToken (backend: "aws-secret")`,
      );
      continue;
    }
    const every = rotationSeconds(rotation.props.rotationRules);
    if (every !== undefined && every > limits.maxRotation) {
      add(
        `secret "${secret.name}" rotates every ${formatDuration(every)}, slower than the aws-secret ceiling of ${ceiling} (${source}); rotate at least every ${ceiling}`,
      );
    }
  }
  return findings;
}
