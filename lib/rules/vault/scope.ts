/**
 * One Vault grant (a ScopedToken scope, or a path block of a policy document): refused for
 * wildcards across mounts, sudo/root/deny/*, forbidden paths and capabilities (policy file), and
 * the escalation endpoints of ./escalation, which the policy file cannot lift.
 */
import type { BackendPolicy } from "../../schema/policy-file";
import type { VaultScope } from "../../schema/scopes";
import type { Problem } from "../allowance";
import { vaultPathsOverlap, vaultTemplateParts } from "../globs";
import {
  vaultEscalationsOf,
  vaultPathShapeProblems,
  type VaultEscalationEndpoint,
} from "./escalation";

const ALWAYS_FORBIDDEN_CAPS: Record<string, string> = {
  "*": '"*" is not a capability and would mean all of them; name the capabilities (read, list, ...)',
  sudo: '"sudo" opens root-protected paths; tokenguard never grants it',
  root: '"root" grants everything; tokenguard never grants it',
  deny: '"deny" takes nothing away from a token that was never granted the path; leave the path out',
};

const q = JSON.stringify;

/** A grant on every mount: `*`, `+/…`, `*…`, and `{{…}}…` (a template may be filled in with anything). */
function grantsEverything(path: string): boolean {
  const parts = vaultTemplateParts(path);
  return /^[*+](\/|$)/.test(path) || path.startsWith("*") || (parts.length > 1 && parts[0] === "");
}

function mountProblems(path: string): Problem[] {
  const first = path.split("/")[0];
  if (grantsEverything(path)) {
    return [{ message: `path ${q(path)} grants everything; name the paths` }];
  }
  if (/[*+]|\{\{/.test(first)) {
    return [
      {
        message: `path ${q(path)} has a wildcard in its mount ("${first}"), so it reaches every mount whose name fits; name the mount`,
      },
    ];
  }
  return [];
}

/** How many of an endpoint's literal segments the granted path spells out (for the message order). */
function closeness(path: string, endpoint: VaultEscalationEndpoint): number {
  const segments = new Set(path.split("/"));
  const literal = endpoint.paths[0].split("/").filter((s) => !/[*+]/.test(s));
  return literal.filter((s) => segments.has(s)).length;
}

/** One problem per grant: the endpoints it reaches, the closest first. */
function escalationProblems(scope: VaultScope): Problem[] {
  const reached = vaultEscalationsOf(scope.path, scope.capabilities);
  if (reached.length === 0) return [];
  const capabilities = [...new Set(reached.flatMap((r) => r.capabilities))];
  const escalation = {
    backend: "vault" as const,
    endpoint: reached[0].endpoint.id,
    path: scope.path,
    capabilities,
  };
  const where = `path ${q(scope.path)} with ${capabilities.join(", ")}`;
  if (reached.length === 1) {
    const { endpoint } = reached[0];
    return [
      {
        message: `${where} reaches ${endpoint.paths[0]}, so the token could ${endpoint.what} (privilege escalation: vault ${endpoint.id})`,
        escalation,
      },
    ];
  }
  const ranked = reached
    .map((r) => r.endpoint)
    .sort((a, b) => closeness(scope.path, b) - closeness(scope.path, a));
  const named = ranked.slice(0, 3).map((e) => `vault ${e.id}`);
  const more = ranked.length > 3 ? ` and ${ranked.length - 3} more` : "";
  return [
    {
      message: `${where} reaches ${ranked.length} escalation endpoints, where the token could create tokens, set identity or auth-method policies, or rewrite policies, and so give itself more than it was given (privilege escalation: ${named.join(", ")}${more})`,
      escalation,
    },
  ];
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
