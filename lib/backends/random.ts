import * as pulumi from "@pulumi/pulumi";
import { randomPackage } from "./packages";
import { tokenHash } from "../token-hash";
import type { RandomBackendArgs } from "../scoped-token-args";
import type { BackendContext, IssueGeneration, IssuedGeneration } from "./types";

export const RANDOM_MIN_BYTES = 32;

/** The 64 characters of base64url: 6 bits of entropy per character. */
export const TOKEN_ALPHABET_SPECIALS = "-_";

/** Characters needed for `bytes` bytes of entropy from the 64-character base64url alphabet. */
export function tokenLength(bytes: number): number {
  return Math.ceil((bytes * 8) / 6);
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
