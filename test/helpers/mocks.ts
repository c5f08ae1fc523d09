/**
 * Pulumi mock runtime for unit tests: records every registration so tests can assert exact child
 * types, names and inputs. Fake provider state is deterministic and obviously fake.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly custom: boolean;
  readonly parent?: string;
}

export const registrations: Registration[] = [];

export const PROJECT = "tgtest";
export const STACK = "unit";

/** Deterministic stand-in credentials, derived from the resource name. */
export function fakePasswordFor(name: string, length: number): string {
  let text = "";
  for (let i = 0; text.length < length; i++) {
    text += Buffer.from(fakeSecretFor(`${name}:${i}`), "hex").toString("base64url");
  }
  return text.slice(0, length);
}

/** Deterministic stand-in secret material, derived from the resource name. */
export function fakeSecretFor(name: string): string {
  return createHash("sha256").update(`fake:${name}`).digest("hex");
}

export async function installMocks(): Promise<void> {
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        registrations.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          custom: args.custom ?? true,
        });
        const state: Record<string, unknown> = { ...args.inputs };
        let id = `${args.name}-id`;
        switch (args.type) {
          case "random:index/randomPassword:RandomPassword": {
            // Deterministic, base64url-alphabet characters of the requested length.
            state.result = fakePasswordFor(args.name, args.inputs.length as number);
            id = "none";
            break;
          }
          case "aws:iam/user:User":
            state.arn = `arn:aws:iam::123456789012:user${args.inputs.path ?? "/"}${args.inputs.name}`;
            break;
          case "aws:iam/accessKey:AccessKey":
            id = `AKIAFAKE${fakeSecretFor(args.name).slice(0, 12).toUpperCase()}`;
            state.secret = `fake/${fakeSecretFor(args.name).slice(0, 36)}`;
            break;
          case "aws:secretsmanager/secret:Secret":
            state.arn = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${args.inputs.name}-AbCdEf`;
            break;
          case "aws:secretsmanager/secretVersion:SecretVersion":
            state.versionId = `version-${args.name}`;
            break;
          case "aws:sns/topic:Topic":
            state.arn = `arn:aws:sns:us-east-1:123456789012:${args.name}`;
            break;
          case "aws:iam/role:Role":
            state.arn = `arn:aws:iam::123456789012:role/${args.name}`;
            break;
          case "aws:iam/policy:Policy":
            state.arn = `arn:aws:iam::123456789012:policy/${args.name}`;
            break;
          case "vault:index/token:Token":
            state.clientToken = `hvs.FAKE${fakeSecretFor(args.name).slice(0, 24)}`;
            id = `accessor-${args.name}`;
            break;
        }
        return { id, state };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        return args.inputs;
      },
    },
    PROJECT,
    STACK,
    false,
  );
}

/**
 * The stack config of a project that sets up the Vault provider as the README says (the default
 * provider uses the given token itself, so the tokens it creates live their own ttl).
 */
export const VAULT_PROVIDER_CONFIG: Readonly<Record<string, string>> = {
  "vault:skipChildToken": "true",
};

/**
 * Clears recorded registrations and config between tests, then sets `tokenguard:<key>` config and
 * the providers' config (`ns:key`, default {@link VAULT_PROVIDER_CONFIG}).
 */
export function reset(
  config: Record<string, string> = {},
  providerConfig: Readonly<Record<string, string>> = VAULT_PROVIDER_CONFIG,
): void {
  registrations.length = 0;
  const all: Record<string, string> = { ...providerConfig };
  for (const [k, v] of Object.entries(config)) all[`tokenguard:${k}`] = v;
  pulumi.runtime.setAllConfig(all);
}

/** Resolves an Output's value (never via done() inside apply). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** Registrations settle asynchronously; wait for the runtime to drain. */
export async function settled(): Promise<void> {
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 0));
}

/** Custom (non-component) registrations, in order. */
export function children(): Registration[] {
  return registrations.filter((r) => r.custom);
}
