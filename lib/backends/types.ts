import type * as pulumi from "@pulumi/pulumi";
import type { Generation } from "../rotation/schedule";
import type { Lifetime } from "../rules/token-rules";
import type { Policy } from "../schema/policy-file";
import type { TokenSpec } from "../schema/token";

/** What one issued generation gives the component. */
export interface IssuedGeneration {
  /** The credential as delivered to the component's `value` output; secret. */
  readonly value: pulumi.Output<string>;
  /** The credential itself, when `value` withholds it (aws-secret); fingerprinted by the ledger. */
  readonly credential?: pulumi.Output<string>;
  /** A non-secret identifier: accessor, access key id, secret ARN, or a hash prefix. */
  readonly tokenId: pulumi.Output<string>;
  /** SHA-256 (hex) of the value, where the backend offers one; not secret. */
  readonly hash?: pulumi.Output<string>;
}

/** Everything a backend needs to create its children under the component. */
export interface BackendContext {
  /** The component's resource name; every child name starts with it. */
  readonly name: string;
  readonly spec: TokenSpec;
  readonly lifetime: Lifetime;
  /** The policy that judged the token at construction (judges resolved references at `pulumi up`). */
  readonly policy: Policy;
  /** Options for every child: `{ parent: component }`. */
  readonly childOpts: pulumi.CustomResourceOptions;
}

/** A backend: created once per component (shared children), then asked for each live generation. */
export type IssueGeneration = (generation: Generation) => IssuedGeneration;
