import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { BackendContext, IssueGeneration, IssuedGeneration } from "./types";

/** Options for the `random` backend (opaque tokens checked by your own service). */
export interface RandomBackendArgs {
  /**
   * Bytes of entropy per token.
   * @default 32
   */
  readonly bytes?: number;
  /**
   * Text before the encoded bytes, so scanners can recognise the token; letters, digits and `_`.
   * @default "tg_"
   */
  readonly prefix?: string;
}

export const RANDOM_MIN_BYTES = 32;

/** Reasons the random options are unusable, one `field: message` each. */
export function randomArgProblems(args: RandomBackendArgs | undefined): string[] {
  const problems: string[] = [];
  const bytes = args?.bytes;
  if (
    bytes !== undefined &&
    (!Number.isInteger(bytes) || bytes < RANDOM_MIN_BYTES || bytes > 512)
  ) {
    problems.push(
      `random.bytes: ${bytes} is not between ${RANDOM_MIN_BYTES} and 512; use at least ${RANDOM_MIN_BYTES} bytes of entropy`,
    );
  }
  const prefix = args?.prefix;
  if (prefix !== undefined && !/^[A-Za-z0-9_]{0,16}$/.test(prefix)) {
    problems.push("random.prefix: use up to 16 letters, digits or underscores");
  }
  return problems;
}

/** The token text for raw bytes: prefix + base64url, no padding. */
export function encodeRandomToken(hex: string, prefix: string): string {
  return prefix + Buffer.from(hex, "hex").toString("base64url");
}

/** SHA-256 hex of a token: what a verifying service stores instead of the token. */
export function tokenHash(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/** Creates one opaque token: a `random.RandomBytes` child named `name`, encoded with `prefix`. */
export function issueRandomToken(
  name: string,
  args: RandomBackendArgs | undefined,
  opts: pulumi.CustomResourceOptions,
): IssuedGeneration {
  const prefix = args?.prefix ?? "tg_";
  const child = new random.RandomBytes(
    name,
    { length: args?.bytes ?? RANDOM_MIN_BYTES },
    { ...opts, additionalSecretOutputs: ["base64", "hex"] },
  );
  const value = pulumi.secret(child.hex.apply((hex) => encodeRandomToken(hex, prefix)));
  // A hash of 256 random bits reveals nothing about them: safe to publish.
  const hash = pulumi.unsecret(value.apply(tokenHash));
  return { value, hash, tokenId: hash.apply((h) => `${prefix}${h.slice(0, 16)}`) };
}

/** One `random.RandomBytes` per generation; the value is prefix + base64url of the bytes. */
export function randomBackend(
  ctx: BackendContext,
  args: RandomBackendArgs | undefined,
): IssueGeneration {
  return (generation) => issueRandomToken(`${ctx.name}-g${generation.n}`, args, ctx.childOpts);
}
