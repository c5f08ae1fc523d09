/**
 * Hand-made `pulumi stack export` documents, shaped like the engine writes them (version 3,
 * manifest, secrets provider, resources with urn/custom/id/type/inputs/outputs/parent/created),
 * with ScopedToken components as the component records them (inputs = its non-secret summary,
 * outputs = registerOutputs) and generation children `<name>-g<n>`.
 */
import { createHash } from "node:crypto";

import { SECRET_SIG as SIG_SECRET, SIG_KEY as SIG } from "../../lib/wire";

export { SIG, SIG_SECRET };

/** A secret as an export shows it without --show-secrets. */
export function secret(label: string): Record<string, string> {
  return {
    [SIG]: SIG_SECRET,
    ciphertext: `v1:${createHash("sha256").update(label).digest("base64")}`,
  };
}

/** A secret as `pulumi stack export --show-secrets` shows it: wrapped, so still not a leak. */
export function shownSecret(value: unknown): Record<string, string> {
  return { [SIG]: SIG_SECRET, plaintext: JSON.stringify(value) };
}

export const PROJECT = "orders";
export const STACK = "prod";
export const STACK_URN = `urn:pulumi:${STACK}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${STACK}`;
const TOKEN_TYPE = "tokenguard:index:ScopedToken";

export type Resource = Record<string, unknown> & { urn: string; type: string };

export function urn(type: string, name: string, parentTypes: readonly string[] = []): string {
  return `urn:pulumi:${STACK}::${PROJECT}::${[...parentTypes, type].join("$")}::${name}`;
}

export interface TokenFixture {
  readonly name: string;
  readonly backend: "random" | "vault";
  readonly scopes: readonly string[];
  readonly ttl: string;
  readonly rotation?: { every: string; overlap: string; anchor?: string };
  readonly owner?: string;
  readonly purpose?: string;
  /** Generation recorded in state (the component's inputs/outputs). */
  readonly generation: number;
  readonly rotatesAt: string;
  readonly expiresAt: string;
  /** Generation children present in state, with their creation time. */
  readonly children: readonly { n: number; created: string }[];
  /** Replace these output values by plaintext (a broken component, for the stack scan). */
  readonly plaintext?: Readonly<Record<string, unknown>>;
}

/** A ScopedToken component and its children, as in state. */
export function scopedToken(t: TokenFixture): Resource[] {
  const componentUrn = urn(TOKEN_TYPE, t.name);
  const summary = {
    name: t.name,
    backend: t.backend,
    scopes: [...t.scopes],
    ttl: t.ttl,
    ...(t.rotation ? { rotation: t.rotation } : {}),
    ...(t.owner ? { owner: t.owner } : {}),
    ...(t.purpose ? { purpose: t.purpose } : {}),
    generation: t.generation,
    rotatesAt: t.rotatesAt,
    expiresAt: t.expiresAt,
  };
  const hash = createHash("sha256").update(`${t.name}/${t.generation}`).digest("hex");
  const component: Resource = {
    urn: componentUrn,
    custom: false,
    type: TOKEN_TYPE,
    inputs: summary,
    outputs: {
      value: secret(`${t.name}-value`),
      tokenId: t.backend === "random" ? `tg_${hash.slice(0, 16)}` : `accessor-${hash.slice(0, 24)}`,
      hash,
      generation: t.generation,
      expiresAt: t.expiresAt,
      rotatesAt: t.rotatesAt,
      scopes: [...t.scopes],
      ...(t.plaintext ?? {}),
    },
    parent: STACK_URN,
    created: t.children[0]?.created,
    modified: t.children.at(-1)?.created,
  };
  const childType =
    t.backend === "random" ? "random:index/randomBytes:RandomBytes" : "vault:index/token:Token";
  const children: Resource[] = t.children.map(({ n, created }) => ({
    urn: urn(childType, `${t.name}-g${n}`, [TOKEN_TYPE]),
    custom: true,
    id: t.backend === "random" ? `${t.name}-g${n}-id` : `accessor-${n}-${hash.slice(0, 12)}`,
    type: childType,
    inputs:
      t.backend === "random"
        ? { length: 32 }
        : {
            policies: [`tokenguard-${PROJECT}-${STACK}-${t.name}`],
            noDefaultPolicy: true,
            renewable: false,
            ttl: t.ttl,
            explicitMaxTtl: t.ttl,
            metadata: { "tokenguard-token": t.name, "tokenguard-generation": String(n) },
          },
    outputs:
      t.backend === "random"
        ? { length: 32, hex: secret(`${t.name}-${n}-hex`), base64: secret(`${t.name}-${n}-b64`) }
        : {
            clientToken: secret(`${t.name}-${n}-token`),
            policies: [`tokenguard-${PROJECT}-${STACK}-${t.name}`],
          },
    parent: componentUrn,
    provider: `urn:pulumi:${STACK}::${PROJECT}::pulumi:providers:${t.backend}::default::${hash.slice(0, 8)}`,
    created,
    modified: created,
  }));
  const policy: Resource[] =
    t.backend === "vault"
      ? [
          {
            urn: urn("vault:index/policy:Policy", `${t.name}-policy`, [TOKEN_TYPE]),
            custom: true,
            id: `tokenguard-${PROJECT}-${STACK}-${t.name}`,
            type: "vault:index/policy:Policy",
            inputs: {
              name: `tokenguard-${PROJECT}-${STACK}-${t.name}`,
              policy: 'path "secret/data/ci/*" { capabilities = ["read"] }',
            },
            outputs: { name: `tokenguard-${PROJECT}-${STACK}-${t.name}` },
            parent: componentUrn,
          },
        ]
      : [];
  return [component, ...policy, ...children];
}

/** A whole export around the given resources (stack root and providers first, like the engine). */
export function stackExport(
  resources: readonly Resource[],
  stackOutputs: Record<string, unknown> = {},
) {
  return {
    version: 3,
    deployment: {
      manifest: {
        time: "2026-03-05T10:00:00.000000000Z",
        magic: "0".repeat(64),
        version: "v3.274.1",
      },
      secrets_providers: {
        type: "passphrase",
        state: { salt: "v1:AAAAAAAAAAA=:v1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==" },
      },
      resources: [
        {
          urn: STACK_URN,
          custom: false,
          type: "pulumi:pulumi:Stack",
          outputs: stackOutputs,
          created: "2026-01-01T00:00:00Z",
        },
        {
          urn: `urn:pulumi:${STACK}::${PROJECT}::pulumi:providers:random::default`,
          custom: true,
          id: "00000000-0000-4000-8000-000000000001",
          type: "pulumi:providers:random",
          inputs: { version: "4.21.2" },
          outputs: { version: "4.21.2" },
        },
        ...resources,
      ],
    },
  };
}

/** A raw resource (not under a ScopedToken). */
export function raw(type: string, name: string, fields: Record<string, unknown>): Resource {
  return {
    urn: urn(type, name),
    custom: true,
    id: `${name}-id`,
    type,
    parent: STACK_URN,
    ...fields,
  };
}
