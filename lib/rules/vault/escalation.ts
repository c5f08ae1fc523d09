/**
 * The Vault escalation model: endpoints where a write lets a token mint credentials or re-grant
 * policies beyond its own. A grant whose path glob reaches any of them (by {@link globsOverlap})
 * with a writing capability is an escalation. Each endpoint names its source in Vault's docs.
 */
import { globsOverlap } from "./glob";

export interface VaultEscalationEndpoint {
  /** Short name used in messages and tests. */
  readonly id: string;
  /** Globs of the endpoint's paths; `*` matches any run (mount paths may hold "/"). */
  readonly paths: readonly string[];
  /** Capabilities that escalate there. */
  readonly capabilities: readonly string[];
  /** What a holder gains, in a clause: "a token that can <what>". */
  readonly what: string;
  /** Vault's documentation of the endpoint. */
  readonly source: string;
}

const WRITE = ["create", "update", "patch"] as const;
const API = "https://developer.hashicorp.com/vault/api-docs";

export const VAULT_ESCALATIONS: readonly VaultEscalationEndpoint[] = [
  {
    id: "token-create",
    paths: ["auth/token/create"],
    capabilities: WRITE,
    what: "create child tokens (with sudo, of any policy; without, of its own policies, outliving each rotation)",
    source: `${API}/auth/token`,
  },
  {
    id: "token-create-orphan",
    paths: ["auth/token/create-orphan"],
    capabilities: WRITE,
    what: "create orphan tokens, which outlive the revocation of the token that made them",
    source: `${API}/auth/token`,
  },
  {
    id: "token-create-with-role",
    paths: ["auth/token/create/*"],
    capabilities: WRITE,
    what: "create tokens through a token role, which grants the role's policies, not its own",
    source: `${API}/auth/token`,
  },
  {
    id: "token-roles",
    paths: ["auth/token/roles/*"],
    capabilities: WRITE,
    what: "define token roles, whose allowed policies any token of the role then holds",
    source: `${API}/auth/token`,
  },
  {
    id: "identity-entity",
    paths: ["identity/entity", "identity/entity/*"],
    capabilities: WRITE,
    what: "set an identity entity's policies, which every token of that entity then holds",
    source: `${API}/secret/identity/entity`,
  },
  {
    id: "identity-entity-alias",
    paths: [
      "identity/entity-alias",
      "identity/entity-alias/*",
      "identity/alias",
      "identity/alias/*",
      "identity/persona",
      "identity/persona/*",
    ],
    capabilities: WRITE,
    what: "tie a login of any auth method to an entity, so that login yields the entity's policies",
    source: `${API}/secret/identity/entity-alias`,
  },
  {
    id: "identity-group",
    paths: ["identity/group", "identity/group/*"],
    capabilities: WRITE,
    what: "set an identity group's policies and members, adding any entity to it",
    source: `${API}/secret/identity/group`,
  },
  {
    id: "identity-group-alias",
    paths: ["identity/group-alias", "identity/group-alias/*"],
    capabilities: WRITE,
    what: "map an external group to an identity group, and so its members to the group's policies",
    source: `${API}/secret/identity/group-alias`,
  },
  {
    id: "auth-users",
    paths: ["auth/*/users/*"],
    capabilities: WRITE,
    what: "create auth-method users (userpass, LDAP, Okta, RADIUS) with any policies, or reset their passwords",
    source: `${API}/auth/userpass`,
  },
  {
    id: "auth-groups",
    paths: ["auth/*/groups/*"],
    capabilities: WRITE,
    what: "map auth-method groups (LDAP, Okta, Kerberos) to any policies",
    source: `${API}/auth/ldap`,
  },
  {
    id: "auth-roles",
    paths: ["auth/*/role/*", "auth/*/roles/*"],
    capabilities: WRITE,
    what: "define auth-method roles (AppRole, JWT/OIDC, Kubernetes, AWS, …) with any token policies, or mint AppRole secret IDs",
    source: `${API}/auth/approle`,
  },
  {
    id: "auth-certs",
    paths: ["auth/*/certs/*"],
    capabilities: WRITE,
    what: "trust any client certificate for a login with any policies",
    source: `${API}/auth/cert`,
  },
  {
    id: "auth-maps",
    paths: ["auth/*/map/*"],
    capabilities: WRITE,
    what: "map GitHub teams or users to any policies",
    source: `${API}/auth/github`,
  },
  {
    id: "auth-config",
    paths: ["auth/*/config", "auth/*/config/*"],
    capabilities: WRITE,
    what: "rewrite how an auth method verifies logins (which LDAP server, JWT issuer or cluster it trusts)",
    source: `${API}/auth/ldap`,
  },
  {
    id: "auth-tune",
    // sys/auth/<m>/tune needs sudo (never granted); this alias of it does not.
    paths: ["sys/mounts/auth/*/tune"],
    capabilities: WRITE,
    what: "tune an auth method: raise the lifetime of the tokens it issues past every expiry set here, or change their type",
    source: `${API}/system/mounts`,
  },
  {
    id: "acl-policies",
    paths: ["sys/policy", "sys/policy/*", "sys/policies/acl", "sys/policies/acl/*"],
    capabilities: [...WRITE, "delete"],
    what: "write or delete ACL policies, its own included",
    source: `${API}/system/policies`,
  },
];

/** The escalation endpoints a grant of `capabilities` on the glob `path` reaches. */
export function vaultEscalationsOf(
  path: string,
  capabilities: readonly string[],
): { endpoint: VaultEscalationEndpoint; capabilities: string[] }[] {
  return VAULT_ESCALATIONS.flatMap((endpoint) => {
    const caps = capabilities.filter((c) => endpoint.capabilities.includes(c));
    if (caps.length === 0) return [];
    return endpoint.paths.some((p) => globsOverlap(path, p))
      ? [{ endpoint, capabilities: caps }]
      : [];
  });
}

/** Why a path is malformed whatever it grants: `.` and `..` segments (empty when fine). */
export function vaultPathShapeProblems(path: string): string[] {
  const dots = path.split("/").filter((s) => s === ".." || s === ".");
  return dots.length
    ? [
        `path ${JSON.stringify(path)} has a "${dots[0]}" segment, so what it reaches depends on how the path is resolved, not on what it says; write the path without it`,
      ]
    : [];
}
