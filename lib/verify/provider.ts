/**
 * The verification's dynamic provider: create runs the generation's canary probe with the new
 * credential and, when it passes, appends a `verified` record to the ledger (if there is one). A
 * failed probe throws, which fails the deployment step: the engine then stops before it retires
 * anything, and the component's value, gated on this resource, is never released.
 *
 * Pulumi serializes this object into the state and runs it in the engine's dynamic-provider host, so
 * it imports nothing from @pulumi/pulumi at run time. The credential arrives as a secret input (the
 * state keeps it encrypted, as it keeps the backend's own copy); outputs hold only a SHA-256 of it.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { canonicalJson } from "../audit/canonical";
import type { SinkSpec } from "../audit/sinks";
import type { CredentialFacts } from "../audit/state";
import { recordVerified } from "../audit/verified";
import type { ProbePlan } from "../rotation/backoff";
import {
  probeTarget,
  tryAwsIam,
  tryHttp,
  tryVault,
  type ProbeRequest,
  type TryResult,
} from "./probes";
import { runProbe, type ProbeOutcome } from "./run";

export interface VerificationInputs {
  /** The ScopedToken's resource name. */
  readonly token: string;
  readonly generation: number;
  readonly request: ProbeRequest;
  readonly plan: ProbePlan;
  /** The new credential (secret input): the Vault token, the IAM secret key, the opaque token. */
  readonly credential: string;
  /** Where to record the pass, and the credential's recorded facts (its ledger entry's). */
  readonly ledger?: { readonly sink: SinkSpec; readonly facts: CredentialFacts };
}

export interface VerificationOutputs extends Omit<VerificationInputs, "credential"> {
  /** SHA-256 (hex) of the credential verified: a new credential under the same name re-verifies. */
  readonly credentialHash: string;
  readonly answer: string;
  readonly attempts: number;
  readonly ms: number;
  readonly verifiedAt: string;
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

function tryOnce(inputs: VerificationInputs): (timeoutMs: number) => Promise<TryResult> {
  const req = inputs.request;
  switch (req.kind) {
    case "vault":
      return (t) => tryVault(req, inputs.credential, t);
    case "aws-iam":
      return (t) => tryAwsIam(req, inputs.credential, t);
    case "http":
      return (t) => tryHttp(req, inputs.credential, t);
  }
}

/** The deployment's error for a failed probe: what was asked, what came back, what it means. */
export function failureMessage(inputs: VerificationInputs, outcome: ProbeOutcome): string {
  const tries = `${outcome.attempts} ${outcome.attempts === 1 ? "try" : "tries"} in ${(outcome.ms / 1000).toFixed(1)}s`;
  return (
    `tokenguard canary: token "${inputs.token}" generation ${inputs.generation} failed its probe ` +
    `(${probeTarget(inputs.request)}): ${outcome.answer} — after ${tries}. ` +
    "Its value is not released and nothing is retired in this update; fix the cause and run pulumi up again (verify: false opts out)."
  );
}

/** Probes; throws (a plain Error: see lib/audit/sinks/types.ts) unless the probe passes. */
async function verify(inputs: VerificationInputs): Promise<VerificationOutputs> {
  const outcome = await runProbe(tryOnce(inputs), inputs.plan);
  if (!outcome.ok) throw new Error(failureMessage(inputs, outcome));
  if (inputs.ledger) {
    await recordVerified(inputs.ledger.sink, inputs.ledger.facts, {
      kind: inputs.request.kind,
      target: probeTarget(inputs.request),
      answer: outcome.answer,
      attempts: outcome.attempts,
      ms: Math.round(outcome.ms),
    });
  }
  const { credential, ...rest } = inputs;
  return {
    ...rest,
    credentialHash: sha256(credential),
    answer: outcome.answer,
    attempts: outcome.attempts,
    ms: Math.round(outcome.ms),
    verifiedAt: new Date().toISOString(),
  };
}

export const verificationProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: VerificationInputs) {
    const outs = await verify(inputs);
    return { id: `${outs.credentialHash.slice(0, 16)}-g${inputs.generation}`, outs };
  },

  async diff(_id: string, olds: VerificationOutputs, news: VerificationInputs) {
    const replaces: string[] = [];
    // A different credential, or a different question, is verified anew.
    if (olds.credentialHash !== sha256(news.credential)) replaces.push("credential");
    if (canonicalJson(olds.request) !== canonicalJson(news.request)) replaces.push("request");
    const changes =
      replaces.length > 0 ||
      canonicalJson(olds.plan) !== canonicalJson(news.plan) ||
      canonicalJson(olds.ledger ?? null) !== canonicalJson(news.ledger ?? null);
    return { changes, replaces, deleteBeforeReplace: false };
  },

  async update(_id: string, olds: VerificationOutputs, news: VerificationInputs) {
    // Same credential, same question: the verification stands; only the bookkeeping changes.
    const rest: Record<string, unknown> = { ...news };
    delete rest.credential;
    return { outs: { ...olds, ...rest } };
  },

  async delete() {
    // Nothing to undo: the probe changed nothing, and the ledger entry records the retirement.
  },
};
