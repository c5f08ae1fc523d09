/**
 * Issuing a ScopedToken's live generations: the backend's children for each, the ledger entry that
 * records it (when a ledger is configured), the verification that probes it (when the backend has
 * a probe), and the outputs the component exposes. Each value is released only through its ledger
 * entry and its verification, so a credential the ledger has not recorded, or that failed its
 * probe, is never delivered (fail-closed).
 */
import * as pulumi from "@pulumi/pulumi";
import { ledgerEntry, type LedgerEntry, type LedgerSettings } from "./audit/ledger-entry";
import { startBackend, type BackendArns } from "./backends";
import type { IssuedGeneration } from "./backends/types";
import { formatInstant } from "./rotation/clock";
import type { Generation, LiveSet } from "./rotation/schedule";
import type { Lifetime } from "./rules/token-rules";
import type { PreviousGeneration, ScopedTokenArgs } from "./scoped-token-args";
import { formatDuration } from "./schema/duration";
import type { Policy } from "./schema/policy-file";
import type { TokenSpec } from "./schema/token";
import { probeSetup } from "./verify/request";
import { Verification } from "./verify/verification";

export interface IssueRequest {
  readonly name: string;
  readonly spec: TokenSpec;
  readonly args: ScopedTokenArgs;
  readonly lifetime: Lifetime;
  readonly live: LiveSet;
  /** The policy that judged the token (judges resolved references at `pulumi up`). */
  readonly policy: Policy;
  readonly ledger?: LedgerSettings;
}

/** What the live generations give the component's outputs. */
export interface Issued extends BackendArns {
  readonly current: IssuedGeneration;
  /** The previous generation's value and id while its overlap window is open (secret). */
  readonly previous?: pulumi.Output<PreviousGeneration>;
}

/** Creates the backend's children and one generation per live entry, oldest first. */
export function issueGenerations(component: pulumi.ComponentResource, req: IssueRequest): Issued {
  const childOpts = { parent: component };
  const backend = startBackend(
    { name: req.name, spec: req.spec, lifetime: req.lifetime, policy: req.policy, childOpts },
    req.args,
  );
  const probe = probeSetup(req.spec, req.args, backend.userArn);
  let lastEntry: LedgerEntry | undefined;
  /** The generation's value, gated on its verification (after its ledger entry, if any). */
  const verified = (g: Generation, issued: IssuedGeneration, entry?: LedgerEntry) => {
    const gated = entry ? entry.gate(issued.value) : issued.value;
    if (!probe) return gated;
    const check = new Verification(
      `${req.name}-verify-g${g.n}`,
      { token: req.name, generation: g.n, plan: probe.plan, ...probe.request(issued), entry },
      childOpts,
    );
    return check.gate(gated);
  };
  const issue = (g: Generation): IssuedGeneration => {
    const issued = backend.issue(g);
    if (!req.ledger) return { ...issued, value: verified(g, issued) };
    const entry = ledgerEntry(
      `${req.name}-ledger-g${g.n}`,
      {
        token: {
          // A plain promise, not the Output: depending on the component would mean depending on
          // all its children, this entry included (a cycle).
          urn: urnOf(component),
          name: req.name,
          generation: g.n,
          backend: req.spec.backend,
          scopes: req.spec.scopeTexts,
          ttl: formatDuration(req.lifetime.ttl),
          expiresAt: formatInstant(g.expiresAt),
          owner: req.spec.owner,
          purpose: req.spec.purpose,
        },
        value: issued.credential ?? issued.value,
        ledger: req.ledger,
        previous: lastEntry,
      },
      childOpts,
    );
    lastEntry = entry;
    return { ...issued, value: verified(g, issued, entry) };
  };
  // Oldest first, so the engine registers (and creates) generations in order.
  const older = req.live.previous;
  const previous = older ? previousOutput(older, issue(older)) : undefined;
  return {
    userArn: backend.userArn,
    secretArn: backend.secretArn,
    accessPolicyArn: backend.accessPolicyArn,
    current: issue(req.live.current),
    ...(previous ? { previous } : {}),
  };
}

/** A resource's URN as a promise carrying no resource dependency. */
function urnOf(resource: pulumi.Resource): Promise<string> {
  return new Promise((resolve) => resource.urn.apply(resolve));
}

function previousOutput(
  g: Generation,
  issued: IssuedGeneration,
): pulumi.Output<PreviousGeneration> {
  return pulumi.secret(
    pulumi.all([issued.value, issued.tokenId]).apply(([value, tokenId]): PreviousGeneration => ({
      value,
      tokenId,
      generation: g.n,
      expiresAt: formatInstant(g.expiresAt),
    })),
  );
}
