/**
 * Hand-made `pulumi stack export`s of the diff fixture's stack (test/diff/fixtures/orders), shaped
 * like the engine writes them (test/report/exports.ts). `deployed()` is what the fixture declares;
 * each option makes the deployed stack differ in one way.
 */
import { raw, scopedToken, secret, stackExport, STACK, type Resource } from "../report/exports";

export const FIXTURE = "test/diff/fixtures/orders";

export interface DeployedOptions {
  readonly ordersScopes?: readonly string[];
  readonly ciScopes?: readonly string[];
  readonly ciTtl?: string;
  readonly ordersOwner?: string | null;
  readonly legacyCaps?: readonly string[];
  /** A deny block under the legacy policy's path. */
  readonly legacyDeny?: boolean;
  readonly legacyPolicies?: readonly string[];
  readonly botActions?: readonly string[];
  /** A ScopedToken deployed but no longer declared. */
  readonly retired?: boolean;
  /** Values of this resource's secret outputs as `--show-secrets` shows them. */
  readonly shown?: string;
}

const TIMES = { rotatesAt: "2026-03-31T00:00:00Z", expiresAt: "2026-04-01T00:00:00Z" };
const rotation = { every: "30d", overlap: "1d" };

function token(name: string, backend: "random" | "vault", scopes: readonly string[], extra = {}) {
  return scopedToken({
    name,
    backend,
    scopes,
    ttl: "31d",
    rotation,
    owner: "team-orders",
    purpose: "diff fixture",
    generation: 27,
    ...TIMES,
    children: [{ n: 27, created: "2026-03-01T00:00:00Z" }],
    ...extra,
  });
}

function legacy(o: DeployedOptions): Resource[] {
  const caps = (o.legacyCaps ?? ["read", "list"]).map((c) => JSON.stringify(c)).join(", ");
  const deny = o.legacyDeny
    ? 'path "secret/data/legacy/admin/*" {\n  capabilities = ["deny"]\n}\n'
    : "";
  return [
    raw("vault:index/policy:Policy", "legacy-policy", {
      inputs: {
        name: "legacy",
        policy: `path "secret/data/legacy/*" {\n  capabilities = [${caps}]\n}\n${deny}`,
      },
      outputs: { name: "legacy" },
    }),
    raw("vault:index/token:Token", "legacy-token", {
      inputs: {
        policies: o.legacyPolicies ?? ["legacy"],
        explicitMaxTtl: "768h",
        renewable: false,
        metadata: { owner: "team-legacy" },
      },
      outputs: {
        clientToken: o.shown
          ? { ...secret("x"), plaintext: JSON.stringify(o.shown) }
          : secret("legacy-token"),
      },
    }),
  ];
}

function bot(o: DeployedOptions): Resource[] {
  const policy = {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: o.botActions ?? ["s3:GetObject", "s3:PutObject"],
        Resource: ["arn:aws:s3:::acme-artifacts/*"],
      },
    ],
  };
  return [
    raw("aws:iam/user:User", "deploy-bot", {
      inputs: { name: "deploy-bot" },
      outputs: { name: "deploy-bot", arn: "arn:aws:iam::123456789012:user/deploy-bot" },
    }),
    raw("aws:iam/accessKey:AccessKey", "deploy-bot-key", {
      inputs: { user: "deploy-bot" },
      outputs: { user: "deploy-bot", secret: secret("deploy-bot-key") },
    }),
    raw("aws:iam/userPolicy:UserPolicy", "deploy-bot-policy", {
      inputs: { user: "deploy-bot", policy: JSON.stringify(policy) },
      outputs: {},
    }),
  ];
}

/** The deployed stack's export as text: the fixture's declaration unless an option says otherwise. */
export function deployed(o: DeployedOptions = {}): string {
  const ordersOwner = o.ordersOwner === null ? {} : { owner: o.ordersOwner ?? "team-orders" };
  const resources = [
    ...token("orders-api", "random", o.ordersScopes ?? ["orders:read", "orders:write"], {
      ...ordersOwner,
      ...(o.ordersOwner === null ? { owner: undefined } : {}),
    }),
    ...token("ci-deploy", "vault", o.ciScopes ?? ["secret/data/*:read"], { ttl: o.ciTtl ?? "31d" }),
    ...(o.retired ? token("old-reports", "random", ["reports:read"]) : []),
    ...legacy(o),
    ...bot(o),
  ];
  return JSON.stringify(stackExport(resources));
}

/** The change README.md shows ("Reviewing token changes"): its sample is this, run. */
export const README_SAMPLE = {
  deployed: {
    ciScopes: ["secret/data/ci/*:read", "secret/metadata/ci/*:list"],
    ciTtl: "20d",
    ordersScopes: ["orders:read"],
  },
  policy: [
    "tokens:",
    "  orders-api:",
    "    approvedWidening:",
    '      - scope: "orders:write"',
    '        reason: "order sync writes back status (ORD-88)"',
    "",
  ].join("\n"),
} as const;

export { STACK };
