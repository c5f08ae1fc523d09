import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { randomPackage } from "./packages";
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

/** The 64 characters of base64url: 6 bits of entropy per character. */
export const TOKEN_ALPHABET_SPECIALS = "-_";

/** Characters needed for `bytes` bytes of entropy from the 64-character base64url alphabet. */
export function tokenLength(bytes: number): number {
  return Math.ceil((bytes * 8) / 6);
}

/** SHA-256 hex of a token: what a verifying service stores instead of the token. */
export function tokenHash(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/**
 * Creates one opaque token: a `random.RandomPassword` child named `name` over the base64url
 * alphabet, after `prefix`. RandomPassword, not RandomBytes: the real random provider makes a
 * RandomBytes' resource id its base64 value, and ids are never secret — the token would sit in
 * state in plain text. A RandomPassword's id is "none" and its `result` is secret.
 */
export function issueRandomToken(
  name: string,
  args: RandomBackendArgs | undefined,
  opts: pulumi.CustomResourceOptions,
): IssuedGeneration {
  const random = randomPackage();
  const prefix = args?.prefix ?? "tg_";
  const child = new random.RandomPassword(
    name,
    {
      length: tokenLength(args?.bytes ?? RANDOM_MIN_BYTES),
      upper: true,
      lower: true,
      numeric: true,
      special: true,
      overrideSpecial: TOKEN_ALPHABET_SPECIALS,
    },
    { ...opts, additionalSecretOutputs: ["result", "bcryptHash"] },
  );
  const value = pulumi.secret(child.result.apply((body) => prefix + body));
  // A hash of 256 random bits reveals nothing about them: safe to publish.
  const hash = pulumi.unsecret(value.apply(tokenHash));
  return { value, hash, tokenId: hash.apply((h) => `${prefix}${h.slice(0, 16)}`) };
}

/** One `random.RandomPassword` per generation; the value is prefix + 43 base64url characters. */
export function randomBackend(
  ctx: BackendContext,
  args: RandomBackendArgs | undefined,
): IssueGeneration {
  return (generation) => issueRandomToken(`${ctx.name}-g${generation.n}`, args, ctx.childOpts);
}
