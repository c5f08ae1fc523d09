/**
 * What a ScopedToken exposes and records in state, built with as few Outputs as the contract
 * allows: a program with ten thousand tokens pays for every Output, apply and promise per token.
 *
 * - Credentials and their identifiers are the backend's own Outputs, passed through; the value is
 *   wrapped in `pulumi.secret` here as well, so the component's contract does not rest on each
 *   backend (docs/component.md).
 * - Facts the component knows when it is constructed (generation, expiry, rotation, scopes) are in
 *   its summary, the inputs it registers with (lib/schema/summary), and are not recorded again as
 *   outputs: the engine re-serialises every resource's state after each step of a preview, so a
 *   duplicate costs it time in proportion to the stack's size (bench/BENCHMARKS.md). Their Output
 *   properties are made only when a program reads them.
 * - What a token does not have (no previous generation, no AWS ARNs) is not recorded, and its
 *   Output property shares one resolved Output.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Issued } from "./generations";
import type { PreviousGeneration } from "./scoped-token-args";
import { formatInstant } from "./rotation/clock";
import type { Generation } from "./rotation/schedule";

/** One resolved `undefined` Output for every missing property of every token (Outputs are immutable). */
const NONE: pulumi.Output<undefined> = pulumi.output(undefined);
const NO_PREVIOUS: pulumi.Output<null> = pulumi.output(null);

/** The facts a token knows at construction, kept plain until a program asks for their Outputs. */
export interface TokenFacts {
  readonly generation?: number;
  readonly expiresAt?: string;
  readonly rotatesAt?: string;
  readonly scopes: readonly string[];
  /** When the rotation alarm fires, for a token with `alert`. */
  readonly alarmAt?: string;
}

/** The Output properties of a ScopedToken that come from its backend. */
export interface IssuedOutputs {
  readonly value: pulumi.Output<string | undefined>;
  readonly tokenId: pulumi.Output<string | undefined>;
  readonly hash: pulumi.Output<string | undefined>;
  readonly userArn: pulumi.Output<string | undefined>;
  readonly secretArn: pulumi.Output<string | undefined>;
  readonly accessPolicyArn: pulumi.Output<string | undefined>;
  readonly alarmTopicArn: pulumi.Output<string | undefined>;
  readonly previous: pulumi.Output<PreviousGeneration | null>;
}

export function tokenFacts(
  current: Generation | undefined,
  scopes: readonly string[],
  alarmAt?: string,
): TokenFacts {
  return {
    ...(current
      ? {
          generation: current.n,
          expiresAt: formatInstant(current.expiresAt),
          rotatesAt: formatInstant(current.rotatesAt),
        }
      : {}),
    scopes,
    ...(alarmAt ? { alarmAt } : {}),
  };
}

/** The backend's Outputs, or the shared empty ones where it has none (value stays secret). */
export function issuedOutputs(
  issued: Issued | undefined,
  alarmTopicArn?: pulumi.Output<string>,
): IssuedOutputs {
  return {
    value: pulumi.secret(issued ? issued.current.value : NONE),
    tokenId: issued?.current.tokenId ?? NONE,
    hash: issued?.current.hash ?? NONE,
    userArn: issued?.userArn ?? NONE,
    secretArn: issued?.secretArn ?? NONE,
    accessPolicyArn: issued?.accessPolicyArn ?? NONE,
    alarmTopicArn: alarmTopicArn ?? NONE,
    previous: issued?.previous ?? NO_PREVIOUS,
  };
}

/**
 * What `registerOutputs` records: the credential, its identifier and hash, the previous generation,
 * the AWS ARNs and the alarm where the token has them — what its summary cannot say.
 */
export function recordedOutputs(
  issued: Issued | undefined,
  outputs: IssuedOutputs,
  facts: TokenFacts,
): pulumi.Inputs {
  const optional: Record<string, pulumi.Input<unknown> | undefined> = {
    tokenId: issued?.current.tokenId,
    hash: issued?.current.hash,
    userArn: issued?.userArn,
    secretArn: issued?.secretArn,
    accessPolicyArn: issued?.accessPolicyArn,
    alarmAt: facts.alarmAt,
    alarmTopicArn: outputs.alarmTopicArn === NONE ? undefined : outputs.alarmTopicArn,
    previous: issued?.previous,
  };
  const present = Object.entries(optional).filter(([, v]) => v !== undefined);
  return { value: outputs.value, ...Object.fromEntries(present) };
}
