/**
 * The ledger entry: one per live generation of a ScopedToken, a Pulumi dynamic resource whose
 * create, update and delete append the credential's records (see ./provider.ts).
 *
 * Why a dynamic resource: its steps are the engine's own steps for the generation, ordered by the
 * engine with the token they describe — created after it, deleted before it, and run on
 * `pulumi destroy` (the provider lives in the state) when the program does not run. A failed
 * append fails that step, so the deployment fails; and because the component releases `value`
 * only through {@link LedgerEntry.gate}, a token the ledger has not recorded never reaches the
 * stack's outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { fingerprintOf, keyIdOf, ledgerKeyProblem, SET_LEDGER_KEY } from "./fingerprint";
import { ledgerProvider, type LedgerEntryInputs } from "./provider";
import type { LedgerEvent } from "./record";
import { factsOf, type CredentialFacts } from "./state";
import { isLedgerError, parseSinkSpec, type SinkSpec } from "./sinks";
import type { Settings } from "../settings";
import { stackSettings } from "../stack-settings";

/** The entry's Pulumi type token. */
export const LEDGER_ENTRY_TYPE = "pulumi-nodejs:dynamic/tokenguard:LedgerEntry";

/** Where a stack's ledger is, and the key that fingerprints its tokens. */
export interface LedgerSettings {
  readonly sink: SinkSpec;
  /** The ledger key (secret). Only HMACs made with it leave the program. */
  readonly key: pulumi.Output<string>;
}

/**
 * The stack's ledger settings, or undefined when `tokenguard:ledger` is unset (no ledger). Throws a
 * `pulumi.RunError` naming the key and the fix when the settings are unusable.
 *
 * - `tokenguard:ledger`: a file path (append-only JSONL) or `s3://bucket/prefix`
 * - `tokenguard:ledgerKey` (secret): the HMAC key for fingerprints, at least 32 characters
 * - `tokenguard:ledgerRetention`: S3 only, e.g. `compliance:400d` (default: the bucket's rule)
 * - `tokenguard:ledgerEndpoint`, `tokenguard:ledgerRegion`: S3 only
 */
export function ledgerSettings(
  ledger: Settings["ledger"] = stackSettings().ledger,
): LedgerSettings | undefined {
  if (ledger === undefined) return undefined;
  let sink: SinkSpec;
  try {
    sink = parseSinkSpec(ledger.location, {
      region: ledger.region,
      endpoint: ledger.endpoint,
      retention: ledger.retention,
    });
  } catch (e) {
    if (isLedgerError(e)) throw new pulumi.RunError(e.message);
    throw e;
  }
  // Read raw (no plaintext-secret warning); it is wrapped as a secret at once and never printed.
  const key = pulumi.runtime.getConfig("tokenguard:ledgerKey");
  if (key === undefined || key === "") {
    throw new pulumi.RunError(
      `config tokenguard:ledger is set but tokenguard:ledgerKey is not; the ledger fingerprints tokens with it. Set one: ${SET_LEDGER_KEY}`,
    );
  }
  const problem = ledgerKeyProblem(key);
  if (problem) throw new pulumi.RunError(problem);
  return { sink, key: pulumi.secret(key) };
}

/** The non-secret facts a ledger entry records about its generation (its record's, by another name). */
export type LedgerTokenFacts = Pick<
  CredentialFacts,
  "generation" | "backend" | "scopes" | "ttl" | "expiresAt" | "owner" | "purpose"
> & {
  /** URN of the ScopedToken. */
  readonly urn: pulumi.Input<string>;
  /** The ScopedToken's resource name. */
  readonly name: string;
};

export interface LedgerEntryArgs {
  readonly token: LedgerTokenFacts;
  /** The generation's credential (secret). Only HMAC-SHA256(ledger key, value) leaves the program. */
  readonly value: pulumi.Input<string>;
  readonly ledger: LedgerSettings;
  /**
   * The entry of the older live generation, if any. The entry then depends on it, so the engine
   * records the older one first and, on destroy, closes the newer one first.
   */
  readonly previous?: LedgerEntry;
}

export class LedgerEntry extends pulumi.dynamic.Resource {
  /** Identifies the credential in the ledger (the records' `entry`). */
  declare readonly entry: pulumi.Output<string>;
  /** Seq of the record that last spoke for this credential. */
  declare readonly seq: pulumi.Output<number>;
  /** Hash of that record. */
  declare readonly hash: pulumi.Output<string>;
  declare readonly event: pulumi.Output<LedgerEvent>;
  /** HMAC-SHA256(ledger key, credential), hex. */
  declare readonly fingerprint: pulumi.Output<string>;
  private readonly recorded: pulumi.Output<LedgerEntryInputs>;

  constructor(name: string, args: LedgerEntryArgs, opts: pulumi.CustomResourceOptions = {}) {
    const { token, ledger } = args;
    const value = pulumi.output(args.value);
    // HMACs of a secret under a secret key reveal neither: safe in state and diffs.
    const fingerprint = pulumi.unsecret(
      pulumi.all([ledger.key, value]).apply(([key, v]) => fingerprintOf(key, v)),
    );
    const inputs: { [K in keyof LedgerEntryInputs]: pulumi.Input<LedgerEntryInputs[K]> } = {
      sink: ledger.sink,
      project: pulumi.getProject(),
      stack: pulumi.getStack(),
      tokenUrn: token.urn,
      token: token.name,
      generation: token.generation,
      backend: token.backend,
      scopes: [...token.scopes],
      ttl: token.ttl,
      expiresAt: token.expiresAt,
      ...(token.owner !== undefined ? { owner: token.owner } : {}),
      ...(token.purpose !== undefined ? { purpose: token.purpose } : {}),
      fingerprint,
      keyId: pulumi.unsecret(ledger.key.apply(keyIdOf)),
    };
    super(
      ledgerProvider,
      name,
      { ...inputs, entry: undefined, seq: undefined, hash: undefined, event: undefined },
      entryOptions(opts, args.previous),
      "tokenguard",
      "LedgerEntry",
    );
    this.recorded = pulumi.output(inputs) as pulumi.Output<LedgerEntryInputs>;
  }

  /** Where this entry records, and the facts its records state (for other records on the credential). */
  ledgerFacts(): pulumi.Output<{ sink: SinkSpec; facts: CredentialFacts }> {
    return pulumi.all([this.recorded, this.entry]).apply(([{ sink, ...rest }, entry]) => ({
      sink,
      facts: factsOf({ ...rest, entry }),
    }));
  }

  /**
   * `value`, released only once this entry's record is in the ledger: if the append fails, the
   * result never resolves and the deployment fails (fail-closed). Secretness is kept.
   */
  gate<T>(value: pulumi.Input<T>): pulumi.Output<T> {
    return pulumi.all([this.hash, value]).apply(([, v]) => v as T);
  }
}

/** The caller's options, plus a dependency on the older generation's entry when there is one. */
export function entryOptions(
  opts: pulumi.CustomResourceOptions,
  previous: LedgerEntry | undefined,
): pulumi.CustomResourceOptions {
  return previous ? pulumi.mergeOptions(opts, { dependsOn: [previous] }) : opts;
}

/** Declares the ledger entry of one generation; see {@link LedgerEntryArgs}. */
export function ledgerEntry(
  name: string,
  args: LedgerEntryArgs,
  opts?: pulumi.CustomResourceOptions,
): LedgerEntry {
  return new LedgerEntry(name, args, opts);
}
