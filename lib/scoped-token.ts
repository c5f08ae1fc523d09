/**
 * ScopedToken: an API token declared beside the resources it unlocks, with its scope, lifetime and
 * rotation as typed properties. The schedule is a pure function of the spec and the clock; each
 * live generation is its own child (`<name>-g<n>`), so a new one exists before the old one goes.
 *
 * The constructor only wires: validate (lib/rules, against the policy file) → `super` with the
 * token's summary → issue the live generations (lib/generations) → assign outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { version as pulumiVersion } from "@pulumi/pulumi/version";
import { declareAwsAlarm, hasAwsAlarm } from "./alarm";
import { callSiteOutside } from "./call-site";
import { withoutPromiseStacks } from "./promise-stacks";
import { issuedOutputs, recordedOutputs, tokenFacts, type TokenFacts } from "./token-outputs";
import { ledgerSettings } from "./audit/ledger-entry";
import { awsPackage, loadBackendPackages } from "./backends/packages";
import { childTokenFindings } from "./backends/vault-child-token";
import { issueGenerations, type Issued } from "./generations";
import { MissingPeerError } from "./peer";
import { sdkVersionProblem } from "./sdk-version";
import { alarmInstant } from "./rotation/alarm";
import { formatInstant, nowSeconds } from "./rotation/clock";
import { jitteredAnchor, liveSet, type LiveSet } from "./rotation/schedule";
import type { Finding, RuleName } from "./rules/catalog";
import { isMandatory, judgeDeclaration } from "./rules/declaration";
import { SCOPED_TOKEN_TYPE } from "./rules/ownership";
import { vaultPolicyNameIssues } from "./rules/vault/policy-names";
import { lifetimeOf, type Lifetime } from "./rules/token-rules";
import type { PreviousGeneration, ScopedTokenArgs } from "./scoped-token-args";
import { argumentIssues, declarationOf } from "./schema/args";
import type { Issue } from "./schema/errors";
import { PolicyFileError, type Policy } from "./schema/policy-file";
import { loadPolicy } from "./schema/policy-source";
import { parseDuration } from "./schema/duration";
import { toSummary } from "./schema/summary";
import type { TokenSpec } from "./schema/token";
import type { Settings } from "./settings";
import { stackSettings } from "./stack-settings";

/** The component's Pulumi type token (defined beside the ownership rules, which the pack shares). */
export { SCOPED_TOKEN_TYPE };

/** A declaration refused at construction; the message names every field at fault and the fix. */
export class TokenRefusedError extends pulumi.ResourceError {
  constructor(
    readonly tokenName: string,
    readonly findings: readonly Finding<RuleName>[],
  ) {
    const at = callSiteOutside(__dirname);
    const lines = findings.map((f) => `${f.message} [${f.rule}]`);
    if (at) lines.push(`(declared at ${at})`);
    // The stack is hidden (pulumi up prints the message alone); the call site names the `new`.
    super(`ScopedToken "${tokenName}" is refused:\n  ${lines.join("\n  ")}`, undefined, true);
    this.name = "TokenRefusedError";
  }
}

/** Everything the constructor decides before it registers anything. */
interface Checked {
  readonly summary: Record<string, unknown>;
  /** Canonical scope texts, when the declaration parses. */
  readonly scopeTexts: readonly string[];
  readonly findings: readonly Finding[];
  /** Set when the declaration can be issued: a sound spec, a valid lifetime, its packages. */
  readonly plan?: { spec: TokenSpec; lifetime: Lifetime; live: LiveSet; policy: Policy };
}

export class ScopedToken extends pulumi.ComponentResource {
  /** Lets `validateResourceOfType` and `isInstance` match this component. */
  static readonly __pulumiType = SCOPED_TOKEN_TYPE;

  /** The current generation's credential (secret); undefined when none is issued (aws-secret without exposeValue, or a refused declaration under advisory enforcement). */
  public readonly value: pulumi.Output<string | undefined>;
  /** A non-secret identifier of the current credential: Vault accessor, access key id, secret ARN, or prefix + hash. */
  public readonly tokenId: pulumi.Output<string | undefined>;
  /** The previous generation while its overlap window is open, else null (secret). */
  public readonly previous: pulumi.Output<PreviousGeneration | null>;
  /** SHA-256 (hex) of the current value (random, aws-secret): what a verifying service stores. */
  public readonly hash: pulumi.Output<string | undefined>;
  /** aws-iam: ARN of the IAM user holding the keys. */
  public readonly userArn: pulumi.Output<string | undefined>;
  /** aws-secret: ARN of the Secrets Manager secret (also `tokenId`). */
  public readonly secretArn: pulumi.Output<string | undefined>;
  /** aws-secret: ARN of the managed IAM policy granting the declared scopes; attach it to consumers. */
  public readonly accessPolicyArn: pulumi.Output<string | undefined>;
  /** The SNS topic the AWS alarm publishes to (declared or created); undefined without an AWS alarm. */
  public readonly alarmTopicArn: pulumi.Output<string | undefined>;
  /** Known at construction; their Outputs are made when read (lib/token-outputs). */
  private readonly facts: TokenFacts;
  /** RFC 3339: the current credential is valid at least until then. */
  get expiresAt(): pulumi.Output<string | undefined> {
    return pulumi.output(this.facts.expiresAt);
  }
  /** RFC 3339: when the next generation is due (run `pulumi up` by then). */
  get rotatesAt(): pulumi.Output<string | undefined> {
    return pulumi.output(this.facts.rotatesAt);
  }
  /** The current generation number. */
  get generation(): pulumi.Output<number | undefined> {
    return pulumi.output(this.facts.generation);
  }
  /** The granted scopes, canonical text. */
  get scopes(): pulumi.Output<string[]> {
    return pulumi.output([...this.facts.scopes]);
  }
  /** RFC 3339: when the rotation alarm fires if rotation stops (`expiresAt - alert.before`); undefined without `alert`. */
  get alarmAt(): pulumi.Output<string | undefined> {
    return pulumi.output(this.facts.alarmAt);
  }

  public static override isInstance(obj: unknown): obj is ScopedToken {
    return (
      pulumi.ComponentResource.isInstance(obj) &&
      (obj as { __pulumiType?: string }).__pulumiType === SCOPED_TOKEN_TYPE
    );
  }

  constructor(name: string, args: ScopedTokenArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Everything is decided before anything is registered: a refused token leaves nothing behind.
    const settings = stackSettings();
    const checked = check(name, args, settings);
    const findings = [...checked.findings, ...childTokenFindings(args, opts)];
    const mandatory = findings.filter(isMandatory);
    if (mandatory.length && settings.enforcement === "error") {
      throw new TokenRefusedError(name, mandatory);
    }
    const restoreStacks = withoutPromiseStacks();
    try {
      super(SCOPED_TOKEN_TYPE, name, checked.summary, opts);
      const warnings =
        settings.enforcement === "error" ? findings.filter((f) => !isMandatory(f)) : findings;
      this.warn(name, warnings, checked.plan !== undefined);
      const plan = checked.plan;
      const ledger = ledgerSettings(settings.ledger);
      const issued: Issued | undefined =
        plan && issueGenerations(this, { name, args, ...plan, ledger });
      const alarm = plan && alarmOf(this, name, args, plan, checked.findings);
      const outputs = issuedOutputs(issued, alarm?.topicArn);
      ({
        value: this.value,
        tokenId: this.tokenId,
        hash: this.hash,
        userArn: this.userArn,
        secretArn: this.secretArn,
        accessPolicyArn: this.accessPolicyArn,
        alarmTopicArn: this.alarmTopicArn,
      } = outputs);
      this.previous = outputs.previous;
      this.facts = tokenFacts(plan?.live.current, checked.scopeTexts, alarm?.at);
      this.registerOutputs(recordedOutputs(issued, outputs, this.facts));
    } finally {
      restoreStacks();
    }
  }

  private warn(
    name: string,
    warnings: readonly { rule: string; message: string }[],
    issues: boolean,
  ): void {
    for (const f of warnings) void pulumi.log.warn(`${f.rule}: ${f.message}`, this);
    if (!issues) {
      void pulumi.log.warn(
        `ScopedToken "${name}" issues no credential until its declaration is valid`,
        this,
      );
    }
  }
}

/**
 * Validates the arguments against the policy file and computes the live generations. Pure but for
 * reading the policy file and loading the backend's provider package.
 */
function check(name: string, args: ScopedTokenArgs, settings: Settings): Checked {
  const sdk = sdkVersionProblem(pulumiVersion);
  if (sdk) throw new pulumi.RunError(sdk);
  const declaration = declarationOf(name, args);
  const schemaIssues = argumentIssues(args);
  const argIssues: Issue[] = [
    ...schemaIssues,
    ...vaultPolicyNameIssues(args, pulumi.getProject(), pulumi.getStack(), schemaIssues),
  ];
  const policy = policyFor(name, args, argIssues, settings);
  const verdict = judgeDeclaration(declaration, policy, argIssues, nowSeconds(settings.now));
  const findings = [...verdict.findings];
  const spec = verdict.spec;
  if (spec) {
    try {
      loadBackendPackages(spec.backend);
      if (hasAwsAlarm(args)) awsPackage(); // the schedule and topic of `alert`
    } catch (e) {
      // Not a policy matter: the program cannot run here until the package is installed.
      if (e instanceof MissingPeerError)
        throw new pulumi.RunError(`ScopedToken "${name}": ${e.message}`);
      throw e;
    }
  }
  // A declaration too broken for a schedule issues nothing, even in advisory mode: never a
  // non-expiring token, never a child built from invalid options.
  const usable = spec && argIssues.length === 0 && !findings.some(breaksIssue);
  const plan = usable ? { ...planOf(name, spec, settings), policy } : undefined;
  const schedule = plan && {
    generation: plan.live.current.n,
    rotatesAt: formatInstant(plan.live.current.rotatesAt),
    expiresAt: formatInstant(plan.live.current.expiresAt),
  };
  const summary = toSummary(
    spec ? { ...declaration, scopes: summaryScopes(spec) } : declaration,
    schedule,
    argIssues,
  );
  return {
    summary: { ...summary },
    scopeTexts: spec?.scopeTexts ?? [],
    findings,
    ...(plan ? { plan } : {}),
  };
}

/**
 * The policy judging the token. A `policyFile` argument that cannot be used refuses the token (it
 * is this token's field); a broken stack-wide policy file fails the program, naming the file.
 */
function policyFor(
  name: string,
  args: ScopedTokenArgs,
  argIssues: readonly Issue[],
  settings: Settings,
) {
  const given = (args ?? {}) as { policyFile?: unknown };
  const usable =
    !argIssues.some((i) => i.field === "policyFile") && typeof given.policyFile === "string";
  const file = usable ? (given.policyFile as string) : undefined;
  const source = {
    configured: settings.policyFile,
    searchFrom: process.cwd(),
    baseDir: process.cwd(),
  };
  try {
    return loadPolicy({ ...source, ...(file ? { file } : {}) });
  } catch (e) {
    if (!(e instanceof PolicyFileError)) throw e;
    if (file) {
      throw new TokenRefusedError(name, [
        { rule: "token-arguments-valid", field: "policyFile", message: `policyFile: ${e.message}` },
      ]);
    }
    throw new pulumi.ResourceError(e.message, undefined);
  }
}

/** Findings that leave nothing issuable: the lifetime's own durations, or a missing package. */
function breaksIssue(f: Finding): boolean {
  return (
    f.rule === "token-expiry-required" ||
    f.rule === "token-arguments-valid" ||
    (f.rule === "token-rotation-required" && f.field !== "rotation")
  );
}

function planOf(name: string, spec: TokenSpec, settings: Settings) {
  const lifetime = lifetimeOf(spec);
  const anchor =
    lifetime.anchor ??
    jitteredAnchor(`${pulumi.getProject()}/${pulumi.getStack()}/${name}`, lifetime.every);
  const live = liveSet({ ...lifetime, anchor }, nowSeconds(settings.now));
  return { spec, lifetime, live };
}

/** The alarm instant, and the AWS schedule where the token has one; none while `alert` is refused. */
function alarmOf(
  parent: pulumi.ComponentResource,
  name: string,
  args: ScopedTokenArgs,
  plan: NonNullable<Checked["plan"]>,
  findings: readonly Finding[],
): { at: string; topicArn?: pulumi.Output<string> } | undefined {
  const before = plan.spec.alert?.before;
  if (before === undefined || findings.some((f) => f.rule === "token-alert-timing"))
    return undefined;
  const at = formatInstant(alarmInstant(plan.live.current.expiresAt, parseDuration(before)));
  if (!hasAwsAlarm(args)) return { at };
  const ctx = {
    name,
    spec: plan.spec,
    lifetime: plan.lifetime,
    policy: plan.policy,
    childOpts: { parent },
  };
  return { at, ...declareAwsAlarm({ ...ctx, args, current: plan.live.current }) };
}

/** Scopes as reported to the engine: canonical strings, or aws statements with references marked. */
function summaryScopes(spec: TokenSpec): unknown[] {
  return spec.backend === "aws-iam" || spec.backend === "aws-secret"
    ? [...spec.scopes]
    : [...spec.scopeTexts];
}
