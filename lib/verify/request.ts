/**
 * What each backend's probe asks, built in the program from the token's declaration and its
 * provider settings: the Vault request (rules/canary decides the path), the IAM identity the new
 * key must prove, the user's URL. Undefined where the token has no probe.
 */
import * as pulumi from "@pulumi/pulumi";
import type { IssuedGeneration } from "../backends/types";
import { probePlan, type ProbePlan } from "../rotation/backoff";
import { vaultProbeTarget } from "../rules/canary";
import type { ScopedTokenArgs } from "../scoped-token-args";
import { isHttpUrl, type HttpVerify, type ProbeBounds, type VaultVerify } from "../schema/canary";
import type { VaultScope } from "../schema/scopes";
import type { TokenSpec } from "../schema/token";
import type { ProbeRequest } from "./probes";

/** How to probe each generation of one token. */
export interface ProbeSetup {
  readonly plan: ProbePlan;
  /** The request for one generation, and the credential it carries. */
  readonly request: (issued: IssuedGeneration) => {
    request: pulumi.Input<ProbeRequest>;
    credential: pulumi.Input<string>;
  };
}

/** Raw provider config (no plaintext-secret warning: addresses and regions are not secrets). */
const config = (key: string): string | undefined => {
  const v = pulumi.runtime.getConfig(key);
  return v === undefined || v === "" ? undefined : v;
};

function vaultSetup(spec: TokenSpec, args: ScopedTokenArgs, verify: VaultVerify) {
  const target = vaultProbeTarget(spec.scopes as readonly VaultScope[], verify);
  if (!target) return undefined; // judged: advisory token-verified
  const ns = args.backend === "vault" ? args.vault?.namespace : undefined;
  const request = pulumi.all([verify.address, ns]).apply(([address, resourceNs]): ProbeRequest => {
    const namespace = [config("vault:namespace") ?? process.env.VAULT_NAMESPACE, resourceNs]
      .map((n) => (n ?? "").replace(/^\/+|\/+$/g, ""))
      .filter((n) => n !== "")
      .join("/");
    return {
      kind: "vault",
      address: address ?? config("vault:address") ?? process.env.VAULT_ADDR ?? "",
      ...(namespace ? { namespace } : {}),
      ...target,
    };
  });
  return (issued: IssuedGeneration) => ({ request, credential: issued.value });
}

/** sts:GetCallerIdentity with the generation's key, which must answer as the token's user. */
function awsIamRequest(userArn: pulumi.Output<string>): ProbeSetup["request"] {
  const region =
    config("aws:region") ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";
  return (issued) => ({
    request: pulumi.all([issued.tokenId, userArn]).apply(([accessKeyId, arn]): ProbeRequest => ({
      kind: "aws-iam",
      accessKeyId,
      userArn: arn,
      region,
    })),
    credential: issued.value,
  });
}

/**
 * The probe setup of a token, or undefined when it has none: `verify: false`, a random or
 * aws-secret token without `verify`, a Vault token with no readable or listable scope.
 */
export function probeSetup(
  spec: TokenSpec,
  args: ScopedTokenArgs,
  userArn: pulumi.Output<string> | undefined,
): ProbeSetup | undefined {
  if (spec.verify === false) return undefined;
  const given = (args as { verify?: unknown }).verify as
    (VaultVerify & Partial<HttpVerify>) | undefined;
  const plan = probePlan(spec.backend, (spec.verify ?? {}) as ProbeBounds);
  if (spec.backend === "vault") {
    const request = vaultSetup(spec, args, { ...(spec.verify as VaultVerify), ...given });
    return request && { plan, request };
  }
  if (spec.backend === "aws-iam") return userArn && { plan, request: awsIamRequest(userArn) };
  if (!given?.url) return undefined;
  const http = spec.verify as HttpVerify;
  const expect = http.expectStatus;
  return {
    plan,
    // After `value` (for aws-secret: once the version is stored, so the service can know it).
    request: (issued) => ({
      request: pulumi.unsecret(
        pulumi.all([given.url, issued.value]).apply(([url]): ProbeRequest => {
          if (typeof url !== "string" || !isHttpUrl(url)) {
            throw new pulumi.RunError(
              `ScopedToken "${spec.name}": verify.url resolved to something that is not an http(s) URL without credentials`,
            );
          }
          return {
            kind: "http",
            url,
            header: http.header ?? "Authorization",
            ...(expect !== undefined ? { expectStatus: [expect].flat() } : {}),
          };
        }),
      ),
      credential: issued.credential ?? issued.value,
    }),
  };
}
