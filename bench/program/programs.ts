/**
 * The programs the program-cost benchmark runs: N ScopedTokens of one backend, and the same N as
 * the raw provider resources a ScopedToken creates, written as a hand-written program would write
 * them (literal inputs). bench/test/programs.test.ts proves both register the same custom
 * resources (types and names), so the difference is the component's own overhead.
 *
 * The clock is pinned (BENCH_NOW, ./backends) so exactly one generation is live: no overlap, one credential.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import * as vault from "@pulumi/vault";
import { ScopedToken, awsScopes, type ScopedTokenArgs } from "../../lib";
import { withoutPromiseStacks } from "../../lib/promise-stacks";

import type { BenchBackend, BenchMode } from "./backends";

/** Generation 0 starts here; BENCH_NOW (./backends) is 9 days in. */
const ANCHOR = "2026-01-01T00:00:00Z";

const common = {
  ttl: "31d",
  rotation: { every: "30d", overlap: "1d", anchor: ANCHOR },
  owner: "team-bench",
  purpose: "benchmark token",
  // A hand-written program has no verification step, so the component skips its canary here too:
  // both sides then register the same resources and the difference is the component's own cost.
  verify: false,
} as const;

/** A valid declaration for each backend (passes the built-in default policy). */
export function tokenArgs(backend: BenchBackend): ScopedTokenArgs {
  switch (backend) {
    case "random":
      return { backend, scopes: ["orders:read"], ...common };
    case "vault":
      return { backend, scopes: ["secret/data/ci/*:read,list"], ...common };
    case "aws-iam":
      return {
        backend,
        scopes: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::bench-bucket/reports/*"] }],
        ...common,
      };
    case "aws-secret":
      return { backend, scopes: [awsScopes.secretRead()], ...common };
  }
}

/** Declares token `name` as a ScopedToken; settles with its value, as raw settles with its credential. */
export function declareComponent(backend: BenchBackend, name: string): pulumi.Output<unknown> {
  return new ScopedToken(name, tokenArgs(backend)).value;
}

const VAULT_POLICY = 'path "secret/data/ci/*" {\n  capabilities = ["read", "list"]\n}\n';
const IAM_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: ["arn:aws:s3:::bench-bucket/reports/*"],
    },
  ],
});
const TTL = `${31 * 86400}s`;

/** Declares the raw provider resources one ScopedToken of `backend` creates, by hand. */
export function declareRaw(backend: BenchBackend, name: string): pulumi.Output<unknown> {
  switch (backend) {
    case "random": {
      const pw = new random.RandomPassword(
        `${name}-g0`,
        { length: 43, special: true, overrideSpecial: "-_" },
        { additionalSecretOutputs: ["result", "bcryptHash"] },
      );
      return pw.result;
    }
    case "vault": {
      const policy = new vault.Policy(`${name}-policy`, {
        name: `bench-${name}`,
        policy: VAULT_POLICY,
      });
      const token = new vault.Token(
        `${name}-g0`,
        {
          policies: [policy.name],
          noDefaultPolicy: true,
          renewable: false,
          ttl: TTL,
          explicitMaxTtl: TTL,
          displayName: `${name}-g0`,
        },
        { additionalSecretOutputs: ["clientToken", "wrappedToken"] },
      );
      return token.clientToken;
    }
    case "aws-iam": {
      const user = new aws.iam.User(`${name}-user`, { name: `bench-${name}`, path: "/bench/" });
      const policy = new aws.iam.UserPolicy(`${name}-policy`, {
        user: user.name,
        name: "scopes",
        policy: IAM_POLICY,
      });
      const key = new aws.iam.AccessKey(
        `${name}-key0`,
        { user: user.name },
        { dependsOn: [policy], additionalSecretOutputs: ["secret"] },
      );
      return key.secret;
    }
    case "aws-secret": {
      const secret = new aws.secretsmanager.Secret(`${name}-secret`, { name: `bench/${name}` });
      new aws.iam.Policy(`${name}-access`, {
        policy: secret.arn.apply((arn) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                Resource: [arn],
              },
            ],
          }),
        ),
      });
      const pw = new random.RandomPassword(
        `${name}-g0`,
        { length: 43, special: true, overrideSpecial: "-_" },
        { additionalSecretOutputs: ["result"] },
      );
      const version = new aws.secretsmanager.SecretVersion(
        `${name}-g0-version`,
        { secretId: secret.id, secretString: pw.result },
        { additionalSecretOutputs: ["secretString"] },
      );
      return version.versionId;
    }
  }
}

/** The SDK's own wait for outstanding registrations (registerOutputs too), as a program's end does. */
const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs;

/** Declares `n` tokens (`svc-0` …) and resolves once every one of them has settled. */
export async function declareMany(
  backend: BenchBackend,
  mode: BenchMode,
  n: number,
): Promise<void> {
  const declare =
    mode === "component"
      ? declareComponent
      : mode === "raw"
        ? declareRaw
        : (b: BenchBackend, name: string) => {
            const restore = withoutPromiseStacks();
            try {
              return declareRaw(b, name);
            } finally {
              restore();
            }
          };
  const settled: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const out = declare(backend, `svc-${i}`);
    settled.push(new Promise((resolve) => out.apply(resolve)));
  }
  await Promise.all(settled);
  await waitForRPCs();
}
