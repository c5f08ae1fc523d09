/**
 * ScopedToken: an API token declared beside the resources it unlocks, with its scope, lifetime and
 * rotation as typed properties. The schedule is a pure function of the spec and the clock; each
 * live generation is its own child (`<name>-g<n>`), so a new one exists before the old one goes.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { backendArgProblems, startBackend, type BackendOptions } from "./backends";
import { declaredAwsScope } from "./backends/aws-common";
import type { AwsIamBackendArgs } from "./backends/aws-iam";
import type { AwsSecretBackendArgs } from "./backends/aws-secret";
import type { AwsScopeInput } from "./backends/aws-scopes";
import type { RandomBackendArgs } from "./backends/random";
import type { IssuedGeneration } from "./backends/types";
import type { VaultBackendArgs } from "./backends/vault";
import { ledgerEntry, ledgerSettings, type LedgerEntry } from "./audit/ledger-entry";
import { formatInstant, nowSeconds } from "./rotation/clock";
import { formatDuration } from "./schema/duration";
import { jitteredAnchor, liveSet, type Generation } from "./rotation/schedule";
import { TOKEN_RULES, type Finding } from "./rules/catalog";
import { judgeToken, lifetimeOf, type Lifetime } from "./rules/token-rules";
import {
  DEFAULT_POLICY,
  findProjectPolicyFile,
  loadPolicyFile,
  type Policy,
} from "./schema/policy-file";
import {
  parseTokenSpec,
  TokenSpecError,
  type TokenDeclaration,
  type TokenSpec,
} from "./schema/token";

import { SCOPED_TOKEN_TYPE } from "./rules/ownership";

/** The component's Pulumi type token (defined beside the ownership rules, which the policy pack shares). */
export { SCOPED_TOKEN_TYPE };

/** How often a token is replaced, and how long the old one stays valid beside the new one. */
export interface RotationArgs {
  /**
   * Time between generations, e.g. "30d".
   * @example "30d"
   */
  readonly every: string;
  /**
   * How long the previous generation stays live after the next is issued (0 < overlap <= every/2).
   * @example "1d"
   */
  readonly overlap: string;
  /**
   * RFC 3339 instant generation 0 starts at, to align rotations to a calendar.
   * @default a per-token jitter after 2024-01-01T00:00:00Z
   */
  readonly anchor?: string;
}

/** Fields every backend shares. Policy-relevant fields are plain values so preview can judge them. */
interface ScopedTokenCommonArgs {
  /**
   * How long each generation's credential is valid, e.g. "1h", "P30D". Must be >= every + overlap.
   * @example "31d"
   */
  readonly ttl: string;
  /** Rotation schedule; required unless the policy file lets ttl alone bound the token's life. */
  readonly rotation?: RotationArgs;
  /**
   * Who answers for the token.
   * @example "team-platform"
   */
  readonly owner?: string;
  /**
   * What the token is for.
   * @example "CI deploy pipeline"
   */
  readonly purpose?: string;
  /**
   * Path of the policy file judging this token.
   * @default config `tokenguard:policyFile`, else `tokenguard.policy.yaml` in the project, else built-in defaults
   */
  readonly policyFile?: string;
}

/** A Vault token bound to one generated least-privilege policy. */
export interface VaultScopedTokenArgs extends ScopedTokenCommonArgs {
  readonly backend: "vault";
  /**
   * `"<path>:<cap>[,<cap>...]"` entries; the generated policy grants exactly these.
   * @example ["secret/data/ci/*:read,list"]
   */
  readonly scopes: readonly string[];
  readonly vault?: VaultBackendArgs;
}

/** An opaque random token for your own service to verify (store its `hash`, not the token). */
export interface RandomScopedTokenArgs extends ScopedTokenCommonArgs {
  readonly backend: "random";
  /**
   * `"<resource>:<verb>"` labels your service checks, e.g. "orders:read".
   * @example ["orders:read"]
   */
  readonly scopes: readonly string[];
  readonly random?: RandomBackendArgs;
}

/** AWS IAM access keys for an IAM user created for the token, with one exact inline policy. */
export interface AwsIamScopedTokenArgs extends ScopedTokenCommonArgs {
  readonly backend: "aws-iam";
  /**
   * IAM statements: exact actions on exact ARNs (see `awsScopes` for common jobs).
   * @example [{ actions: ["s3:GetObject"], resources: [bucket.arn.apply((a) => `${a}/reports/*`)] }]
   */
  readonly scopes: readonly AwsScopeInput[];
  readonly aws?: AwsIamBackendArgs;
}

/** An opaque token kept in AWS Secrets Manager; consumers read AWSCURRENT at run time. */
export interface AwsSecretScopedTokenArgs extends ScopedTokenCommonArgs {
  readonly backend: "aws-secret";
  /**
   * The consumers' access: IAM statements for the generated access policy; "self" is this secret.
   * @example [awsScopes.secretRead()]
   */
  readonly scopes: readonly AwsScopeInput[];
  readonly aws?: AwsSecretBackendArgs;
}

export type ScopedTokenArgs =
  VaultScopedTokenArgs | RandomScopedTokenArgs | AwsIamScopedTokenArgs | AwsSecretScopedTokenArgs;

/** The older generation while its overlap window is open. The whole object is secret. */
export interface PreviousGeneration {
  readonly value: string;
  readonly tokenId: string;
  readonly generation: number;
  readonly expiresAt: string;
}

/** Thrown when a token's declaration is refused; the message names every field at fault. */
function refusal(name: string, problems: readonly string[]): pulumi.ResourceError {
  return new pulumi.ResourceError(
    `ScopedToken "${name}" is refused:\n  ${problems.join("\n  ")}`,
    undefined,
  );
}

const policyCache = new Map<string, Policy>();

/**
 * The policy judging a token: explicit path, then `tokenguard:policyFile`, then the project's
 * `tokenguard.policy.yaml` (see findProjectPolicyFile), then the built-in defaults.
 */
export function resolvePolicyFor(explicit: string | undefined): Policy {
  const configured = explicit ?? new pulumi.Config("tokenguard").get("policyFile");
  const file = configured ?? findProjectPolicyFile(process.cwd());
  if (file === undefined) return DEFAULT_POLICY;
  const full = path.resolve(file);
  let policy = policyCache.get(full);
  if (!policy) {
    policy = loadPolicyFile(full);
    policyCache.set(full, policy);
  }
  return policy;
}

/** `"error"` (default): refuse mandatory violations in the program. `"advisory"`: warn, and leave the verdict to the policy pack. */
function enforcementMode(): "error" | "advisory" {
  const mode = new pulumi.Config("tokenguard").get("enforcement") ?? "error";
  if (mode !== "error" && mode !== "advisory") {
    throw new pulumi.RunError(
      `config tokenguard:enforcement is "${mode}"; use "error" or "advisory"`,
    );
  }
  return mode;
}

/** The non-secret declaration the component reports as its inputs (state, policy pack). */
function declarationOf(name: string, args: ScopedTokenArgs): TokenDeclaration {
  return {
    name,
    backend: args.backend,
    scopes: (args.scopes ?? []).map((scope: unknown) =>
      (args.backend === "aws-iam" || args.backend === "aws-secret") &&
      typeof scope === "object" &&
      scope !== null
        ? declaredAwsScope(scope as AwsScopeInput)
        : scope,
    ),
    ...(args.ttl !== undefined ? { ttl: args.ttl } : {}),
    ...(args.rotation !== undefined ? { rotation: { ...args.rotation } } : {}),
    ...(args.owner !== undefined ? { owner: args.owner } : {}),
    ...(args.purpose !== undefined ? { purpose: args.purpose } : {}),
  };
}

export class ScopedToken extends pulumi.ComponentResource {
  /** Lets `validateResourceOfType` and `isInstance` match this component. */
  static readonly __pulumiType = SCOPED_TOKEN_TYPE;

  /** The current generation's credential. Secret. */
  public readonly value: pulumi.Output<string>;
  /** A non-secret identifier of the current credential (Vault accessor, key id, hash prefix). */
  public readonly tokenId: pulumi.Output<string>;
  /** RFC 3339: the current credential is valid at least until then. */
  public readonly expiresAt: pulumi.Output<string>;
  /** RFC 3339: when the next generation is due (run `pulumi up` by then). */
  public readonly rotatesAt: pulumi.Output<string>;
  /** The current generation number. */
  public readonly generation: pulumi.Output<number>;
  /** The granted scopes, canonical text. */
  public readonly scopes: pulumi.Output<string[]>;
  /** The previous generation while its overlap window is open, else undefined. Secret. */
  public readonly previous: pulumi.Output<PreviousGeneration | undefined>;
  /** SHA-256 (hex) of the current value, for services that verify tokens (random backend). */
  public readonly hash: pulumi.Output<string | undefined>;
  /** aws-iam: ARN of the IAM user holding the keys. */
  public readonly userArn: pulumi.Output<string | undefined>;
  /** aws-secret: ARN of the Secrets Manager secret (also `tokenId`). */
  public readonly secretArn: pulumi.Output<string | undefined>;
  /** aws-secret: ARN of the managed IAM policy granting the declared scopes; attach it to consumers. */
  public readonly accessPolicyArn: pulumi.Output<string | undefined>;

  public static override isInstance(obj: unknown): obj is ScopedToken {
    return (
      pulumi.ComponentResource.isInstance(obj) &&
      (obj as { __pulumiType?: string }).__pulumiType === SCOPED_TOKEN_TYPE
    );
  }

  constructor(name: string, args: ScopedTokenArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Everything is validated before anything is registered: a refused token leaves nothing behind.
    const declaration = declarationOf(name, args ?? ({} as ScopedTokenArgs));
    let spec: TokenSpec;
    try {
      spec = parseTokenSpec(declaration);
    } catch (e) {
      if (e instanceof TokenSpecError) throw refusal(name, e.problems);
      throw e;
    }
    const backendProblems = backendArgProblems(args as BackendOptions);
    if (backendProblems.length) throw refusal(name, backendProblems);

    const policy = resolvePolicyFor(args.policyFile);
    const findings = judgeToken(spec, policy);
    const mandatory = findings.filter((f) => TOKEN_RULES[f.rule].level === "mandatory");
    const advisory = findings.filter((f) => TOKEN_RULES[f.rule].level !== "mandatory");
    const mode = enforcementMode();
    if (mandatory.length && mode === "error") throw refusal(name, mandatory.map(findingLine));

    const now = nowSeconds(new pulumi.Config("tokenguard").get("now"));
    // A spec too broken for a schedule issues nothing, even in advisory mode: never a non-expiring token.
    const lifetime = mandatory.some(breaksSchedule) ? undefined : lifetimeOf(spec);
    const schedule = lifetime && {
      ...lifetime,
      anchor:
        lifetime.anchor ??
        jitteredAnchor(`${pulumi.getProject()}/${pulumi.getStack()}/${name}`, lifetime.every),
    };
    const live = schedule && liveSet(schedule, now);

    super(
      SCOPED_TOKEN_TYPE,
      name,
      {
        ...declaration,
        scopes: summaryScopes(spec),
        generation: live?.current.n,
        rotatesAt: live && formatInstant(live.current.rotatesAt),
        expiresAt: live && formatInstant(live.current.expiresAt),
      },
      opts,
    );

    for (const f of [...advisory, ...(mode === "advisory" ? mandatory : [])]) {
      void pulumi.log.warn(`${f.rule}: ${f.message}`, this);
    }

    this.scopes = pulumi.output([...spec.scopeTexts]);
    if (!live || !lifetime) {
      void pulumi.log.warn(
        `ScopedToken "${name}" issues no credential until its lifetime is valid`,
        this,
      );
      this.value = pulumi.secret(pulumi.output(undefined as unknown as string));
      this.tokenId =
        this.expiresAt =
        this.rotatesAt =
          pulumi.output(undefined as unknown as string);
      this.generation = pulumi.output(undefined as unknown as number);
      this.previous = pulumi.output(undefined);
      this.hash = this.userArn = this.secretArn = this.accessPolicyArn = pulumi.output(undefined);
      this.registerOutputs({ scopes: this.scopes });
      return;
    }

    const backend = startBackend(
      { name, spec, lifetime, childOpts: { parent: this } },
      args as BackendOptions,
    );
    // The ledger (when configured) records each generation; its value is released only through
    // the generation's ledger entry, so a credential the ledger has not recorded is never delivered.
    const ledger = ledgerSettings();
    let lastEntry: LedgerEntry | undefined;
    const issueRecorded = (g: Generation): IssuedGeneration => {
      const issued = backend.issue(g);
      if (!ledger) return issued;
      const entry = ledgerEntry(
        `${name}-ledger-g${g.n}`,
        {
          token: {
            // A plain promise, not the Output: depending on the component would mean depending
            // on all its children, this entry included (a cycle).
            urn: urnOf(this),
            name,
            generation: g.n,
            backend: spec.backend,
            scopes: spec.scopeTexts,
            ttl: lifetimeText(lifetime),
            expiresAt: formatInstant(g.expiresAt),
            owner: spec.owner,
            purpose: spec.purpose,
          },
          value: issued.credential ?? issued.value,
          ledger,
          previous: lastEntry,
        },
        { parent: this },
      );
      lastEntry = entry;
      return { ...issued, value: entry.gate(issued.value) };
    };
    // Oldest first, so the engine registers (and creates) generations in order.
    const previous = live.previous && {
      generation: live.previous,
      issued: issueRecorded(live.previous),
    };
    const current = issueRecorded(live.current);

    this.value = pulumi.secret(current.value);
    this.tokenId = current.tokenId;
    this.hash = current.hash ?? pulumi.output(undefined);
    this.userArn = backend.userArn ?? pulumi.output(undefined);
    this.secretArn = backend.secretArn ?? pulumi.output(undefined);
    this.accessPolicyArn = backend.accessPolicyArn ?? pulumi.output(undefined);
    this.generation = pulumi.output(live.current.n);
    this.expiresAt = pulumi.output(formatInstant(live.current.expiresAt));
    this.rotatesAt = pulumi.output(formatInstant(live.current.rotatesAt));
    this.previous = previous
      ? previousOutput(previous.generation, previous.issued)
      : pulumi.output(undefined);

    this.registerOutputs({
      value: this.value,
      tokenId: this.tokenId,
      hash: this.hash,
      userArn: this.userArn,
      secretArn: this.secretArn,
      accessPolicyArn: this.accessPolicyArn,
      generation: this.generation,
      expiresAt: this.expiresAt,
      rotatesAt: this.rotatesAt,
      scopes: this.scopes,
      previous: this.previous,
    });
  }
}

/** Scopes as reported to the engine: canonical strings, or aws statements with references marked. */
function summaryScopes(spec: TokenSpec): unknown[] {
  return spec.backend === "aws-iam" || spec.backend === "aws-secret"
    ? [...spec.scopes]
    : [...spec.scopeTexts];
}

/** A resource's URN as a promise carrying no resource dependency. */
function urnOf(resource: pulumi.Resource): Promise<string> {
  return new Promise((resolve) => resource.urn.apply(resolve));
}

/** The declared ttl as the ledger records it (canonical). */
function lifetimeText(lifetime: Lifetime): string {
  return formatDuration(lifetime.ttl);
}

function findingLine(f: Finding): string {
  return `${f.message} [${f.rule}]`;
}

/** Findings that leave no usable lifetime: expiry and rotation problems on the durations themselves. */
function breaksSchedule(f: Finding): boolean {
  return (
    f.rule === "token-expiry-required" ||
    (f.rule === "token-rotation-required" && f.field !== "rotation")
  );
}

function previousOutput(
  g: Generation,
  issued: IssuedGeneration,
): pulumi.Output<PreviousGeneration | undefined> {
  return pulumi.secret(
    pulumi.all([issued.value, issued.tokenId]).apply(([value, tokenId]) => ({
      value,
      tokenId,
      generation: g.n,
      expiresAt: formatInstant(g.expiresAt),
    })),
  );
}

export type { Lifetime };
