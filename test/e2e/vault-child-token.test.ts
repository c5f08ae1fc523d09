/**
 * The Vault provider's child token, under the real engine against a real Vault server: unless
 * `skipChildToken` is set, the provider authenticates with a child token of its own that lives
 * `maxLeaseTtlSeconds` (set small here, so the test waits seconds, not 20 minutes), and a
 * ScopedToken's non-orphan token dies with it, long before its 31-day ttl. With
 * `skipChildToken: true` (stack config for the default provider, or on an explicit provider), or
 * with `vault: { orphan: true }`, the token lives. The policy pack flags exactly the dying ones.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import {
  fingerprint,
  newStack,
  run,
  startDevVault,
  tempProgram,
  toolchain,
  type DevVault,
  type Stack,
  type TempProgram,
} from "./harness";

const REPO = path.resolve(__dirname, "../..");
/** Long enough for an `up` on a busy machine; the child tokens expire this long after they start. */
const CHILD_TTL = 30;

// Every ScopedToken is a 31-day token. "explicit" providers read the stack's vault config too.
const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { ScopedToken, type ScopedTokenArgs } from "tokenguard";

const vaultConfig = new pulumi.Config("vault");
const args = (extra: Partial<ScopedTokenArgs> = {}) =>
  ({
    backend: "vault",
    scopes: ["secret/data/ci/*:read"],
    ttl: "31d",
    rotation: { every: "30d", overlap: "1d" },
    owner: "team-platform",
    purpose: "e2e: outlives the provider's child token, or not",
    ...extra,
  }) as ScopedTokenArgs;

const tokens: Record<string, ScopedToken> = {
  // The default provider, configured by stack config vault:* only.
  defaultProvider: new ScopedToken("default-provider", args()),
};
if (new pulumi.Config().getBoolean("explicit")) {
  const connection = {
    address: vaultConfig.require("address"),
    token: vaultConfig.requireSecret("token"),
    maxLeaseTtlSeconds: ${CHILD_TTL},
  };
  const keeps = new vault.Provider("keeps-child-token", connection);
  const skips = new vault.Provider("skips-child-token", { ...connection, skipChildToken: true });
  tokens.explicitKeeps = new ScopedToken("explicit-keeps", args(), { providers: [keeps] });
  tokens.explicitSkips = new ScopedToken("explicit-skips", args(), { providers: [skips] });
  tokens.orphan = new ScopedToken("orphan", args({ vault: { orphan: true } }), { providers: [keeps] });
}
export const values = pulumi.secret(
  pulumi.all(Object.fromEntries(Object.entries(tokens).map(([k, t]) => [k, t.value]))),
);
`;

/**
 * Whether Vault still knows a token (auth/token/lookup, as root: the tokens themselves carry no
 * `default` policy, so they may not look themselves up).
 */
async function alive(vault: DevVault, token: string): Promise<boolean> {
  const r = await vault.api("POST", "auth/token/lookup", { body: { token } });
  if (r.status === 200) return true;
  if (r.status === 403 && JSON.stringify(r.body?.errors ?? []).includes("bad token")) return false;
  throw new Error(`lookup of ${fingerprint(token)} answered ${r.status}`);
}

/** vault-provider-child-token violations of a real `pulumi preview --policy-pack`, by ScopedToken. */
async function childTokenViolations(stack: Stack) {
  const r = await run(
    toolchain().pulumi,
    [
      "preview",
      "--json",
      "--policy-pack",
      path.join(REPO, "policy-packs/tokenguard"),
      "--stack",
      stack.name,
      "--non-interactive",
    ],
    {
      cwd: stack.dir,
      env: { ...stack.env, PWD: stack.dir, PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "true" },
      allowFail: true,
      timeoutMs: 600_000,
    },
  );
  const out: { token: string; level: string; message: string }[] = [];
  for (const line of r.stdout.split("\n")) {
    if (!line.includes('"policyEvent"')) continue;
    const e = (JSON.parse(line) as { policyEvent: Record<string, string> }).policyEvent;
    if (e.policyName !== "vault-provider-child-token") continue;
    const resource = e.resourceUrn.split("::").pop() as string;
    out.push({
      token: resource.replace(/-g\d+$/, ""),
      level: e.enforcementLevel,
      message: e.message,
    });
  }
  assert.notEqual(r.code, 0, "the preview fails on the mandatory findings");
  return out.sort((a, b) => a.token.localeCompare(b.token));
}

async function until(cond: () => Promise<boolean>, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return cond();
}

describe("e2e: a ScopedToken's Vault token and the provider's child token", function () {
  this.timeout(600_000);
  let vault: DevVault;
  let prog: TempProgram;
  const stacks: Stack[] = [];

  before(async () => {
    vault = await startDevVault();
    prog = await tempProgram({ "index.ts": PROGRAM }, { name: "child-token" });
  });

  after(async () => {
    for (const s of stacks) {
      await s.destroy().catch(() => undefined);
      await s.cleanup();
    }
    if (prog) await prog.remove();
    if (vault) await vault.stop();
  });

  async function stackWith(config: Record<string, string>): Promise<Stack> {
    const stack = await newStack(prog.dir, { secrets: [vault.token] });
    stacks.push(stack);
    await stack.setConfig("vault:address", vault.address);
    await stack.setConfig("vault:token", vault.token, { secret: true });
    for (const [k, v] of Object.entries(config)) await stack.setConfig(k, v);
    return stack;
  }

  async function issue(stack: Stack): Promise<Record<string, string>> {
    await stack.up();
    const out = await stack.outputs({ showSecrets: true });
    const values = out.values as Record<string, string>;
    for (const [name, token] of Object.entries(values)) {
      assert.ok(await alive(vault, token), `${name}: valid right after up`);
      const ttl = await vault.api("POST", "auth/token/lookup", { body: { token } });
      const data = ttl.body?.data as { explicit_max_ttl?: number };
      assert.equal(data.explicit_max_ttl, 31 * 86400, `${name}: issued with its 31-day ttl`);
    }
    return values;
  }

  it("dies with the child token unless skipChildToken or vault.orphan; the pack flags exactly those", async () => {
    // The component refuses the default-provider token as it comes: it must be advisory to reach Vault.
    const stack = await stackWith({
      "vault:maxLeaseTtlSeconds": String(CHILD_TTL),
      "tokenguard:enforcement": "advisory",
      explicit: "true",
    });
    const values = await issue(stack);
    const dying = ["defaultProvider", "explicitKeeps"];
    assert.ok(
      await until(
        async () => !(await alive(vault, values.defaultProvider)),
        (CHILD_TTL + 60) * 1000,
      ),
      "the default provider's token is revoked within maxLeaseTtlSeconds",
    );
    for (const name of dying) assert.equal(await alive(vault, values[name]), false, name);
    for (const name of ["explicitSkips", "orphan"]) {
      assert.equal(await alive(vault, values[name]), true, `${name} outlives the child token`);
    }

    // The real preview with the pack: a mandatory violation on exactly the dying tokens.
    const flagged = await childTokenViolations(stack);
    assert.deepEqual([...new Set(flagged.map((v) => v.token))].sort(), [
      "default-provider",
      "explicit-keeps",
    ]);
    assert.ok(flagged.every((v) => v.level === "mandatory"));
    assert.match(
      flagged[0].message,
      /the default Vault provider creates this token under a child token of its own, which Vault revokes 30 s/,
    );
    assert.match(
      flagged.at(-1)!.message,
      /the Vault provider "keeps-child-token" creates this token/,
    );
  });

  it("lives with stack config vault:skipChildToken true (the default provider)", async () => {
    const stack = await stackWith({
      "vault:maxLeaseTtlSeconds": String(CHILD_TTL),
      "vault:skipChildToken": "true",
    });
    const values = await issue(stack);
    await new Promise((r) => setTimeout(r, (CHILD_TTL + 5) * 1000));
    assert.equal(await alive(vault, values.defaultProvider), true);
  });
});
