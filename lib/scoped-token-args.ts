/**
 * ScopedToken's arguments and outputs, as types. Every field is checked at construction by one
 * schema (lib/schema/args.ts and lib/schema/token.ts): an unknown or misspelt field is refused, not
 * ignored. docs/arguments.md is generated from these comments (npm run docs).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AwsScopeInput } from "./backends/aws-scopes";
import type {
  AlertArgs,
  HttpVerifyArgs,
  ProbeArgs,
  VaultVerifyArgs,
} from "./scoped-token-canary-args";

export type { AlertArgs, HttpVerifyArgs, ProbeArgs, VaultVerifyArgs };

/** How often a token is replaced, and how long the old one stays valid beside the new one. */
export interface RotationArgs {
  /**
   * Time between generations, at most the backend's ceiling in the policy file.
   * @example "30d"
   */
  readonly every: string;
  /**
   * How long the previous generation stays valid after the next is issued; 0 < overlap <= every/2.
   * @example "1d"
   */
  readonly overlap: string;
  /**
   * RFC 3339 instant generation 0 starts at, to align rotations to a calendar; not after now
   * (nothing is issued before it).
   * @default a per-token jitter, always in the past (within one period of 2024-01-01T00:00:00Z)
   * @example "2026-01-05T09:00:00Z"
   */
  readonly anchor?: string;
}

/** Fields every backend shares. Policy-relevant fields are plain values so preview can judge them. */
export interface ScopedTokenCommonArgs {
  /**
   * How long each generation's credential is valid (`90s`, `1h`, `7d`, `2w`, ISO-8601 `P30D`); at least rotation.every + rotation.overlap.
   * @example "31d"
   */
  readonly ttl: string;
  /**
   * The rotation schedule; required unless the policy file lets ttl alone bound the token's life.
   * @example { every: "30d", overlap: "1d" }
   */
  readonly rotation?: RotationArgs;
  /**
   * Who answers for the token (advisory rule token-ownership).
   * @example "team-platform"
   */
  readonly owner?: string;
  /**
   * What the token is for (advisory rule token-ownership).
   * @example "CI deploy pipeline"
   */
  readonly purpose?: string;
  /**
   * An alarm (AWS schedule, and `tokenguard report --due`) that fires when rotation stopped.
   * @example { before: "12h", runbook: "https://wiki.example.com/runbooks/rotation" }
   */
  readonly alert?: AlertArgs;
  /**
   * Path of the policy file judging this token, relative to the program's directory.
   * @default config tokenguard:policyFile, else tokenguard.policy.yaml in the project, else built-in defaults
   */
  readonly policyFile?: string;
}

/** Options of the `vault` backend. The Vault provider comes from the component's `provider(s)` option. */
export interface VaultBackendArgs {
  /**
   * Name of the generated least-privilege Vault policy. A name outside this stack's own
   * (`tokenguard-<project>-<stack>-…`) needs `adoptExistingPolicy: true`.
   * @default "tokenguard-<project>-<stack>-<name>" (lower-cased; `_` and a hash suffix when that changed it)
   */
  readonly policyName?: string;
  /**
   * Lets `policyName` take a name outside this stack's own: Vault replaces a policy of that name if one exists, and destroying the token deletes it.
   * @default false
   */
  readonly adoptExistingPolicy?: boolean;
  /**
   * Vault Enterprise namespace of the policy and tokens.
   * @example "teams/platform"
   */
  readonly namespace?: pulumi.Input<string>;
  /**
   * Create orphan tokens, which survive the revocation of the token Pulumi runs with (needs sudo on auth/token/create-orphan).
   * @default false
   */
  readonly orphan?: boolean;
}

/** Options of the `random` backend: opaque tokens your own service verifies. */
export interface RandomBackendArgs {
  /**
   * Bytes of entropy per token, 32 to 512.
   * @default 32
   */
  readonly bytes?: number;
  /**
   * Text before the encoded bytes, so scanners recognise the token: up to 16 letters, digits or underscores.
   * @default "tg_"
   */
  readonly prefix?: string;
}

/** Options of the `aws-iam` backend: an IAM user holding the token's access keys. */
export interface AwsIamBackendArgs {
  /**
   * IAM user name (1-64 letters, digits or + = , . @ _ -).
   * @default "tg-<stack>-<name>", shortened with a hash past 64 characters
   */
  readonly userName?: string;
  /**
   * IAM path of the user, starting and ending with "/".
   * @default "/tokenguard/<project>/"
   */
  readonly path?: string;
  /**
   * ARN of a permissions boundary for the user: a ceiling beyond the inline policy.
   * @example "arn:aws:iam::123456789012:policy/boundary"
   */
  readonly permissionsBoundary?: pulumi.Input<string>;
}

/** Options of the `aws-secret` backend: an opaque token kept in AWS Secrets Manager. */
export interface AwsSecretBackendArgs extends RandomBackendArgs {
  /**
   * Secrets Manager secret name.
   * @default "tokenguard/<project>/<stack>/<name>"
   */
  readonly secretName?: string;
  /**
   * KMS key (id or ARN) encrypting the secret.
   * @default AWS's managed key
   */
  readonly kmsKeyId?: pulumi.Input<string>;
  /**
   * Days AWS keeps a deleted secret recoverable (7-30), so a destroy is deliberate.
   * @default 30
   */
  readonly recoveryWindowInDays?: number;
  /**
   * Also deliver the token as `value`; by default apps read AWSCURRENT (and AWSPREVIOUS during an overlap) from Secrets Manager.
   * @default false
   */
  readonly exposeValue?: boolean;
}

/** A Vault token bound to one generated least-privilege policy. */
export interface VaultScopedTokenArgs extends ScopedTokenCommonArgs {
  /** Where the token comes from: HashiCorp Vault or OpenBao, via `@pulumi/vault`. */
  readonly backend: "vault";
  /**
   * "<path>:<cap>[,<cap>...]" grants; the generated policy holds exactly these.
   * @example ["secret/data/ci/*:read,list"]
   */
  readonly scopes: readonly string[];
  /** Options of the vault backend. */
  readonly vault?: VaultBackendArgs;
  /**
   * The canary probe: a request with each new token to one declared path, before its value is released; false opts out (advisory finding).
   * @default probe on
   */
  readonly verify?: false | VaultVerifyArgs;
}

/** An opaque random token for your own service to verify (store its `hash`, not the token). */
export interface RandomScopedTokenArgs extends ScopedTokenCommonArgs {
  /** Where the token comes from: generated by `@pulumi/random`, verified by your own service. */
  readonly backend: "random";
  /**
   * "<resource>:<verb>" labels your service checks.
   * @example ["orders:read"]
   */
  readonly scopes: readonly string[];
  /** Options of the random backend. */
  readonly random?: RandomBackendArgs;
  /**
   * The canary probe: your service, called with each new token before its value is released; none by default.
   * @default no probe
   */
  readonly verify?: false | HttpVerifyArgs;
}

/** AWS IAM access keys for an IAM user created for the token, with one exact inline policy. */
export interface AwsIamScopedTokenArgs extends ScopedTokenCommonArgs {
  /** Where the token comes from: an IAM user's access keys, via `@pulumi/aws`. */
  readonly backend: "aws-iam";
  /**
   * IAM statements: exact actions on exact ARNs (awsScopes has helpers for common jobs).
   * @example [{ actions: ["s3:GetObject"], resources: [pulumi.interpolate`${bucket.arn}/reports/*`] }]
   */
  readonly scopes: readonly AwsScopeInput[];
  /** Options of the aws-iam backend. */
  readonly aws?: AwsIamBackendArgs;
  /**
   * The canary probe: sts:GetCallerIdentity with each new key, which must answer with the token's own user; false opts out (advisory finding).
   * @default probe on
   */
  readonly verify?: false | ProbeArgs;
}

/** An opaque token kept in AWS Secrets Manager; consumers read AWSCURRENT at run time. */
export interface AwsSecretScopedTokenArgs extends ScopedTokenCommonArgs {
  /** Where the token comes from: generated by `@pulumi/random`, kept in AWS Secrets Manager. */
  readonly backend: "aws-secret";
  /**
   * The consumers' access: IAM statements for the generated access policy; "self" is this secret.
   * @example [awsScopes.secretRead()]
   */
  readonly scopes: readonly AwsScopeInput[];
  /** Options of the aws-secret backend. */
  readonly aws?: AwsSecretBackendArgs;
  /**
   * The canary probe: your service, called with each new token once it is stored, before the old one is retired; none by default.
   * @default no probe
   */
  readonly verify?: false | HttpVerifyArgs;
}

/** ScopedToken's arguments: one of the four backends' shapes, chosen by `backend`. */
export type ScopedTokenArgs =
  VaultScopedTokenArgs | RandomScopedTokenArgs | AwsIamScopedTokenArgs | AwsSecretScopedTokenArgs;

/** The older generation while its overlap window is open. The whole object is secret. */
export interface PreviousGeneration {
  readonly value: string | undefined;
  readonly tokenId: string;
  readonly generation: number;
  readonly expiresAt: string;
}
