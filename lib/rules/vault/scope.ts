/**
 * One Vault grant (a ScopedToken scope, or a path block of a policy document): refused for
 * wildcards across mounts, sudo/root/deny/*, forbidden paths and capabilities (policy file), and
 * the escalation endpoints of ./escalation, which the policy file cannot lift.
 */
import type { BackendPolicy } from "../../schema/policy-file";
import type { VaultScope } from "../../schema/scopes";
import type { Problem } from "../allowance";
import { vaultPathsOverlap } from "../globs";
import { vaultEscalationsOf, vaultPathShapeProblems } from "./escalation";

const ALWAYS_FORBIDDEN_CAPS: Record<string, string> = {
  "*": '"*" is not a capability and would mean all of them; name the capabilities (read, list, ...)',
  sudo: '"sudo" opens root-protected paths; tokenguard never grants it',
  root: '"root" grants everything; tokenguard never grants it',
  deny: '"deny" takes nothing away from a token that was never granted the path; leave the path out',
};

const q = JSON.stringify;

/** A grant on every mount: `*`, `+/…`, `*…`. */
const grantsEverything = (path: string) => /^[*+](\/|$)/.test(path) || path.startsWith("*");

function mountProblems(path: string): Problem[] {
  const first = path.split("/")[0];
  if (grantsEverything(path)) {
    return [{ message: `path ${q(path)} grants everything; name the paths` }];
  }
  if (/[*+]/.test(first)) {
    return [
      {
        message: `path ${q(path)} has a wildcard in its mount ("${first}"), so it reaches every mount whose name fits; name the mount`,
      },
    ];
  }
  return [];
}

function escalationProblems(scope: VaultScope): Problem[] {
  return vaultEscalationsOf(scope.path, scope.capabilities).map(({ endpoint, capabilities }) => ({
    message: `path ${q(scope.path)} with ${capabilities.join(", ")} reaches ${endpoint.paths[0]}, so the token could ${endpoint.what} (privilege escalation: vault ${endpoint.id})`,
    escalation: { backend: "vault", endpoint: endpoint.id, path: scope.path, capabilities },
  }));
}

/** Why a vault path grant is refused (empty when it is fine). */
export function vaultGrantProblems(scope: VaultScope, limits: BackendPolicy): Problem[] {
  const problems: Problem[] = [...mountProblems(scope.path)];
  const everything = grantsEverything(scope.path);
  for (const p of vaultPathShapeProblems(scope.path)) problems.push({ message: p });
  for (const cap of scope.capabilities) {
    if (ALWAYS_FORBIDDEN_CAPS[cap]) problems.push({ message: ALWAYS_FORBIDDEN_CAPS[cap] });
    else if (limits.forbiddenCapabilities.includes(cap)) {
      problems.push({ message: `capability "${cap}" is forbidden by the policy file; drop it` });
    }
  }
  for (const forbidden of everything ? [] : limits.forbiddenPaths) {
    if (vaultPathsOverlap(scope.path, forbidden)) {
      problems.push({
        message: `path ${q(scope.path)} reaches ${q(forbidden)}, which no token may reach; narrow the path`,
      });
    }
  }
  if (!everything) problems.push(...escalationProblems(scope));
  return problems;
}
