/**
 * The verification: one per live generation of a ScopedToken whose backend has a probe, a Pulumi
 * dynamic resource whose create runs the canary probe (see ./provider.ts).
 *
 * Why a dynamic resource: the engine orders it after the credential it probes (its input) and the
 * generation's ledger entry (a dependency), and a failed create fails the update before the engine
 * retires anything — deletions of generations that left the program come only after every create
 * succeeded. The component releases `value` only through {@link Verification.gate}, so a credential
 * that failed its probe never reaches the stack's outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import type { LedgerEntry } from "../audit/ledger-entry";
import type { ProbePlan } from "../rotation/backoff";
import type { ProbeRequest } from "./probes";
import { verificationProvider, type VerificationInputs } from "./provider";

export { VERIFICATION_TYPE } from "./verification-type";

export interface VerificationArgs {
  readonly token: string;
  readonly generation: number;
  readonly request: pulumi.Input<ProbeRequest>;
  readonly plan: ProbePlan;
  /** The new credential (secret). */
  readonly credential: pulumi.Input<string>;
  /** The generation's ledger entry: the pass is recorded beside it, after it. */
  readonly entry?: LedgerEntry;
}

export class Verification extends pulumi.dynamic.Resource {
  /** The answer that passed, e.g. "authorised (404: …)". */
  declare readonly answer: pulumi.Output<string>;
  declare readonly attempts: pulumi.Output<number>;
  /** RFC 3339: when the probe passed. */
  declare readonly verifiedAt: pulumi.Output<string>;

  constructor(name: string, args: VerificationArgs, opts: pulumi.CustomResourceOptions = {}) {
    const inputs: { [K in keyof VerificationInputs]: pulumi.Input<VerificationInputs[K]> } = {
      token: args.token,
      generation: args.generation,
      request: args.request,
      plan: args.plan,
      credential: pulumi.secret(args.credential),
      ...(args.entry ? { ledger: args.entry.ledgerFacts() } : {}),
    };
    super(
      verificationProvider,
      name,
      {
        ...inputs,
        credentialHash: undefined,
        answer: undefined,
        attempts: undefined,
        ms: undefined,
        verifiedAt: undefined,
      },
      args.entry ? pulumi.mergeOptions(opts, { dependsOn: [args.entry] }) : opts,
      "tokenguard",
      "Verification",
    );
  }

  /** `value`, released only once the probe passed (and was recorded). Secretness is kept. */
  gate<T>(value: pulumi.Input<T>): pulumi.Output<T> {
    return pulumi.all([this.verifiedAt, value]).apply(([, v]) => v as T);
  }
}
