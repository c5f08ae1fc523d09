/**
 * ScopedToken's `verify` and `alert` arguments, as types (the canary probe and the dead-man's
 * switch; docs/rotation.md). Checked by lib/schema/canary.ts; docs/arguments.md is generated from
 * these comments together with lib/scoped-token-args.ts (npm run docs).
 */
import type * as pulumi from "@pulumi/pulumi";

/** How often a canary probe tries and how long it waits: bounded, so a probe never hangs an update. */
export interface ProbeArgs {
  /**
   * Tries before the probe gives up and fails the update (1-20).
   * @default 3; 8 for aws-iam (IAM keys take seconds to work everywhere)
   */
  readonly attempts?: number;
  /**
   * The pause after the first failed try; it doubles after each, up to 30s (or this value, if longer).
   * @default "1s"
   */
  readonly backoff?: string;
  /**
   * How long each try may take (1s-300s) before it counts as failed.
   * @default "10s"
   */
  readonly timeout?: string;
}

/** The canary probe of a Vault token: one request with the new token before its value is released. */
export interface VaultVerifyArgs extends ProbeArgs {
  /**
   * The concrete path to request, inside a declared scope (an authorised 404 passes: no data needed).
   * @default the first scope granting read (else list), with "tokenguard-probe" for its wildcard
   */
  readonly path?: string;
  /**
   * The declared capability to use: "read" (GET) or "list" (LIST); the probe never writes or deletes.
   * @default "read" when a scope grants it, else "list"
   */
  readonly capability?: "read" | "list";
  /**
   * Vault's address, when the vault provider gets it from elsewhere than config vault:address or VAULT_ADDR.
   * @default config vault:address, else the VAULT_ADDR environment variable
   */
  readonly address?: pulumi.Input<string>;
}

/** The canary probe of a random or aws-secret token: your own service, called with the new token. */
export interface HttpVerifyArgs extends ProbeArgs {
  /**
   * An http(s) endpoint of the service that accepts the token, e.g. its health check; it gets a GET.
   * @example "https://orders.internal.example.com/healthz"
   */
  readonly url: pulumi.Input<string>;
  /**
   * The request header carrying the token; "Authorization" sends "Bearer <token>", any other the token alone.
   * @default "Authorization"
   */
  readonly header?: string;
  /**
   * The status (or statuses) that mean the service accepted the token.
   * @default any 2xx
   */
  readonly expectStatus?: number | readonly number[];
}

/** The dead-man's switch: an alarm that fires only when rotation stopped. */
export interface AlertArgs {
  /**
   * Fire this long before the current generation expires; must be shorter than ttl - rotation.every, so the alarm falls after rotatesAt.
   * @example "12h"
   */
  readonly before: string;
  /**
   * AWS: the SNS topic the alarm publishes to (the schedule is created for aws-iam and aws-secret tokens, or for any token given a topic).
   * @default a topic "<name>-alarm" created beside the token
   */
  readonly topicArn?: pulumi.Input<string>;
  /**
   * AWS: the role EventBridge Scheduler assumes to publish (needs sns:Publish on the topic).
   * @default a role "<name>-alarm" allowed exactly that
   */
  readonly roleArn?: pulumi.Input<string>;
  /**
   * What to do when the alarm fires; named in the alarm's message.
   * @example "https://wiki.example.com/runbooks/tokenguard-rotation"
   */
  readonly runbook?: string;
}
