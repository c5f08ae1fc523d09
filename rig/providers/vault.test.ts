/**
 * The vault stand-in (pulumi-resource-vault) under the real engine, against a real Vault server
 * (`vault server -dev` from the engine bin dir): programs using @pulumi/vault 7.8.0.
 * Runs the rig's binaries whatever PATH holds; fails loudly — never skips — without a vault binary.
 */
import * as assert from "node:assert/strict";
import {
  engineBin,
  fingerprint,
  newStack,
  startDevVault,
  tempProgram,
  type DevVault,
  type Stack,
  type StackState,
  type TempProgram,
} from "../../test/e2e/harness";

function holds(cond: boolean, what: string, secret?: string): void {
  assert.ok(cond, secret === undefined ? what : `${what} (value ${fingerprint(secret)})`);
}

function find(state: StackState, name: string) {
  return (state.deployment.resources ?? []).find((x) => x.urn.endsWith(`::${name}`));
}

function isCiphertext(v: unknown): boolean {
  const o = v as Record<string, unknown> | undefined;
  return (
    typeof o === "object" &&
    o !== null &&
    o["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270" &&
    typeof o.ciphertext === "string"
  );
}

async function plannedOps(stack: Stack): Promise<Record<string, string>> {
  const r = await stack.pulumi(["preview", "--json"]);
  const steps = (JSON.parse(r.stdout) as { steps?: { op: string; urn: string }[] }).steps ?? [];
  return Object.fromEntries(steps.map((s) => [s.urn.split("::").pop() as string, s.op]));
}

const POLICY_V1 = 'path "secret/data/app/*" {\n  capabilities = ["read"]\n}\n';
const POLICY_V2 = 'path "secret/data/app/*" {\n  capabilities = ["read", "list"]\n}\n';

const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const vault = require("@pulumi/vault");
const cfg = new pulumi.Config();
const policy = new vault.Policy("app-read", {
  name: "tg-e2e-app-read",
  policy: cfg.require("policyText"),
});
const ttl = cfg.get("ttl") ?? "1h";
const token = new vault.Token("app-token", {
  policies: [policy.name],
  noDefaultPolicy: true,
  renewable: false,
  ttl,
  explicitMaxTtl: ttl,
  displayName: cfg.get("displayName") ?? "tokenguard-app-g0",
  metadata: { "tokenguard-token": "app", "tokenguard-generation": "0" },
});
const orphan = new vault.Token("orphan-token", {
  policies: [policy.name], noDefaultPolicy: true, renewable: false, noParent: true, ttl: "10m",
});
exports.clientToken = token.clientToken;
exports.accessor = token.id;
exports.leaseDuration = token.leaseDuration;
exports.leaseStarted = token.leaseStarted;
exports.renewable = token.renewable;
exports.policies = token.policies;
exports.orphanNoParent = orphan.noParent;
exports.orphanAccessor = orphan.id;
`;

describe("vault stand-in provider (real engine, vault server -dev)", function () {
  this.timeout(300_000);
  let vault: DevVault;
  let prog: TempProgram;
  let stack: Stack;

  before(async () => {
    vault = await startDevVault({ bin: engineBin() });
    prog = await tempProgram({ "index.js": PROGRAM }, { name: "vault-token" });
    stack = await newStack(prog.dir, { bin: engineBin(), secrets: [vault.token] });
    // Configured the way a user does: stack config, the token as a secret.
    await stack.setConfig("vault:address", vault.address);
    await stack.setConfig("vault:token", vault.token, { secret: true });
    await stack.setConfig("policyText", POLICY_V1);
    for (const [p, v] of [
      ["secret/data/app/db", "app-pw"],
      ["secret/data/other/db", "other-pw"],
    ]) {
      const r = await vault.api("POST", p, { body: { data: { password: v } } });
      assert.equal(r.status, 200, `seeding ${p}`);
    }
  });

  after(async () => {
    if (stack) {
      await stack.destroy().catch(() => undefined);
      await stack.cleanup();
    }
    if (prog) await prog.remove();
    if (vault) await vault.stop();
  });

  it("up writes the policy and issues a token that works exactly within it", async () => {
    await stack.up();
    const o = await stack.outputs({ showSecrets: true });
    const token = String(o.clientToken);
    holds(token.length > 20 && token !== vault.token, "a client token of its own", token);

    const allowed = await vault.api("GET", "secret/data/app/db", { token });
    assert.equal(allowed.status, 200, "reads the allowed path");
    const data = (allowed.body?.data as { data?: { password?: string } }).data;
    assert.equal(data?.password, "app-pw");
    assert.equal(
      (await vault.api("GET", "secret/data/other/db", { token })).status,
      403,
      "denied elsewhere",
    );
    const write = await vault.api("POST", "secret/data/app/db", {
      token,
      body: { data: { x: 1 } },
    });
    assert.equal(write.status, 403, "denied a capability it was not given");

    // No default policy: the token cannot look itself up, so root looks it up.
    const self = await vault.api("POST", "auth/token/lookup", { body: { token } });
    const info = self.body?.data as Record<string, unknown>;
    assert.deepEqual(info.policies, ["tg-e2e-app-read"], "only its policy, no default");
    assert.equal(info.renewable, false);
    assert.equal(info.explicit_max_ttl, 3600);
    assert.ok(Number(info.ttl) > 3500 && Number(info.ttl) <= 3600, `ttl ${info.ttl}`);
    assert.equal(info.orphan, false);
    assert.equal(info.display_name, "token-tokenguard-app-g0");
    assert.deepEqual(info.meta, { "tokenguard-token": "app", "tokenguard-generation": "0" });
    assert.equal(info.accessor, o.accessor, "the resource id is the accessor");

    // What tokenRead puts in the state.
    // expire_time - issue_time, truncated: Vault takes expire from an instant a little before
    // issue, so this is 3599 as often as 3600 (with the real provider too).
    const lease = Number(o.leaseDuration);
    assert.ok(lease >= 3590 && lease <= 3600, `leaseDuration ${lease}`);
    assert.match(String(o.leaseStarted), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    assert.equal(o.renewable, false);
    assert.deepEqual(o.policies, ["tg-e2e-app-read"]);
    assert.equal(o.orphanNoParent, true, "noParent: true makes an orphan");

    const pol = await vault.api("GET", "sys/policies/acl/tg-e2e-app-read");
    assert.equal((pol.body?.data as { policy?: string }).policy, POLICY_V1.trimEnd());
  });

  it("keeps the client token and the provider's token only as ciphertext in the state", async () => {
    const o = await stack.outputs({ showSecrets: true });
    const state = await stack.exportState();
    const text = JSON.stringify(state);
    const token = find(state, "app-token");
    assert.ok(token, "the token is in the state");
    holds(isCiphertext(token.outputs?.clientToken), "clientToken is a secret output");
    holds(token.id === o.accessor, "the id is the accessor");
    holds(
      !text.includes(String(o.clientToken)),
      "no client token in plain text",
      String(o.clientToken),
    );
    holds(!text.includes(vault.token), "no provider token in plain text", vault.token);
  });

  it("changes nothing on a second up; edits a policy in place; replaces a token whose ttl changes", async () => {
    await stack.pulumi(["preview", "--expect-no-changes"]);
    const before = await stack.outputs({ showSecrets: true });
    const oldToken = String(before.clientToken);

    await stack.setConfig("policyText", POLICY_V2);
    let ops = await plannedOps(stack);
    assert.equal(ops["app-read"], "update", "policy text: an in-place update");
    assert.ok(!["replace", "update"].includes(ops["app-token"] ?? "same"), "the token stays");
    await stack.up();
    const pol = await vault.api("GET", "sys/policies/acl/tg-e2e-app-read");
    // Vault stores the document without its trailing newline.
    assert.equal((pol.body?.data as { policy?: string }).policy, POLICY_V2.trimEnd());
    assert.equal(
      (await vault.api("POST", "auth/token/lookup", { body: { token: oldToken } })).status,
      200,
    );

    await stack.setConfig("ttl", "2h");
    ops = await plannedOps(stack);
    assert.equal(ops["app-token"], "replace", "ttl forces a new token");
    await stack.up();
    const after = await stack.outputs({ showSecrets: true });
    assert.notEqual(after.accessor, before.accessor);
    const old = await vault.api("POST", "auth/token/lookup-accessor", {
      body: { accessor: before.accessor },
    });
    assert.notEqual(old.status, 200, "the replaced token was revoked");
    const fresh = await vault.api("POST", "auth/token/lookup", {
      body: { token: String(after.clientToken) },
    });
    assert.equal((fresh.body?.data as { explicit_max_ttl?: number }).explicit_max_ttl, 7200);
  });

  it("drops a token revoked outside Pulumi on refresh, and issues a new one on up", async () => {
    const { accessor } = await stack.outputs();
    const revoked = await vault.api("POST", "auth/token/revoke-accessor", { body: { accessor } });
    assert.equal(revoked.status, 204);
    await stack.refresh();
    assert.equal(find(await stack.exportState(), "app-token"), undefined, "gone from the state");
    assert.equal((await plannedOps(stack))["app-token"], "create");
    await stack.up();
    assert.notEqual((await stack.outputs()).accessor, accessor);
  });

  it("a display name Vault rewrites never settles (as with the real provider)", async () => {
    // Vault turns every character outside [A-Za-z0-9-] into "-"; tokenRead stores Vault's
    // version, and display_name is ForceNew, so each later up plans a replacement again.
    await stack.setConfig("displayName", "tokenguard-my_app-g0");
    await stack.up();
    const state = await stack.exportState();
    assert.equal(find(state, "app-token")?.outputs?.displayName, "tokenguard-my-app-g0");
    assert.equal((await plannedOps(stack))["app-token"], "replace");
    await stack.setConfig("displayName", "tokenguard-app-g0");
    await stack.up();
    await stack.pulumi(["preview", "--expect-no-changes"]);
  });

  it("destroy revokes the tokens and deletes the policy", async () => {
    const o = await stack.outputs();
    await stack.destroy();
    for (const accessor of [o.accessor, o.orphanAccessor]) {
      const r = await vault.api("POST", "auth/token/lookup-accessor", { body: { accessor } });
      assert.notEqual(r.status, 200, "revoked");
    }
    assert.equal((await vault.api("GET", "sys/policies/acl/tg-e2e-app-read")).status, 404);
  });

  it("reports Vault's error for a bad token, never the token", async () => {
    const bad = `hvs.${"B".repeat(24)}`;
    const p = await tempProgram({
      "index.js": `const vault = require("@pulumi/vault");
new vault.Policy("p", { name: "tg-e2e-never", policy: 'path "x" { capabilities = ["read"] }' });`,
    });
    const s = await newStack(p.dir, { bin: engineBin() });
    try {
      await s.setConfig("vault:address", vault.address);
      await s.setConfig("vault:token", bad, { secret: true });
      const r = await s.pulumi(["up", "--yes", "--skip-preview"], { allowFail: true });
      const out = r.stdout + r.stderr;
      assert.notEqual(r.code, 0);
      assert.match(out, /failed to lookup token, err=Error making API request/);
      assert.match(out, /Code: 403\. Errors:[\s\S]*\* permission denied/);
      holds(!out.includes(bad), "the bad token is not in the output", bad);
      holds(!out.includes(vault.token), "the root token is not in the output", vault.token);
    } finally {
      await s.cleanup();
      await p.remove();
    }
  });
});

describe("vault stand-in: the provider's child token (real engine, vault server -dev)", function () {
  this.timeout(300_000);
  let vault: DevVault;
  let prog: TempProgram;
  const stacks: Stack[] = [];

  // One token under the provider's session, one orphan.
  const SESSION = `
const vault = require("@pulumi/vault");
const child = new vault.Token("child", { policies: ["default"], ttl: "1h", renewable: false });
const orphan = new vault.Token("orphan", { policies: ["default"], ttl: "1h", renewable: false, noParent: true });
exports.child = child.id;
exports.orphan = orphan.id;
`;

  before(async () => {
    vault = await startDevVault({ bin: engineBin() });
    prog = await tempProgram({ "index.js": SESSION }, { name: "vault-session" });
  });

  after(async () => {
    for (const s of stacks) {
      await s.destroy().catch(() => undefined);
      await s.cleanup();
    }
    if (prog) await prog.remove();
    if (vault) await vault.stop();
  });

  async function up(config: Record<string, string>, env: Record<string, string> = {}) {
    const stack = await newStack(prog.dir, { bin: engineBin(), env, secrets: [vault.token] });
    stacks.push(stack);
    await stack.setConfig("vault:address", vault.address);
    await stack.setConfig("vault:token", vault.token, { secret: true });
    for (const [k, v] of Object.entries(config)) await stack.setConfig(k, v);
    await stack.up();
    return (await stack.outputs()) as { child: string; orphan: string };
  }

  /** Every token Vault holds with this display name, looked up by accessor (as root). */
  async function tokensNamed(displayName: string): Promise<Record<string, unknown>[]> {
    const list = await vault.api("GET", "auth/token/accessors?list=true");
    const out: Record<string, unknown>[] = [];
    for (const accessor of (list.body?.data as { keys: string[] }).keys) {
      const r = await vault.api("POST", "auth/token/lookup-accessor", { body: { accessor } });
      const data = r.body?.data as Record<string, unknown> | undefined;
      if (data?.display_name === displayName) out.push(data);
    }
    return out;
  }

  const known = async (accessor: string) =>
    (await vault.api("POST", "auth/token/lookup-accessor", { body: { accessor } })).status === 200;

  it("works through a child token of the configured one: named, non-renewable, maxLeaseTtlSeconds long", async () => {
    const o = await up({ "vault:maxLeaseTtlSeconds": "900", "vault:tokenName": "ci-run-42" });
    const [session, ...more] = await tokensNamed("token-ci-run-42");
    assert.equal(more.length, 0, "one child token for the run");
    assert.equal(session.explicit_max_ttl, 900);
    assert.ok(Number(session.ttl) > 880 && Number(session.ttl) <= 900, `ttl ${session.ttl}`);
    assert.equal(session.renewable, false);
    assert.equal(session.orphan, false);
    assert.deepEqual(session.policies, ["root"], "the configured token's policies");

    // Revoking the session revokes what the provider created under it, but not the orphan.
    const revoke = await vault.api("POST", "auth/token/revoke-accessor", {
      body: { accessor: session.accessor },
    });
    assert.equal(revoke.status, 204);
    assert.equal(await known(o.child), false, "the child token died with the session");
    assert.equal(await known(o.orphan), true, "the orphan lives");
  });

  it("names it 'terraform' by default (VAULT_TOKEN_NAME otherwise), 1200 s long", async () => {
    await up({});
    const [session] = await tokensNamed("token-terraform");
    assert.equal(session?.explicit_max_ttl, 1200);
    await up({}, { VAULT_TOKEN_NAME: "from-env", TERRAFORM_VAULT_MAX_TTL: "600" });
    const [fromEnv] = await tokensNamed("token-from-env");
    assert.equal(fromEnv?.explicit_max_ttl, 600);
  });

  it("uses the configured token itself with skipChildToken (stack config, or TERRAFORM_VAULT_SKIP_CHILD_TOKEN)", async () => {
    const viaConfig = await up({ "vault:skipChildToken": "true", "vault:tokenName": "skipped-1" });
    assert.deepEqual(await tokensNamed("token-skipped-1"), []);
    const viaEnv = await up(
      { "vault:tokenName": "skipped-2" },
      { TERRAFORM_VAULT_SKIP_CHILD_TOKEN: "1" },
    );
    assert.deepEqual(await tokensNamed("token-skipped-2"), []);
    // A set input wins over the environment.
    await up(
      { "vault:skipChildToken": "false", "vault:tokenName": "kept" },
      {
        TERRAFORM_VAULT_SKIP_CHILD_TOKEN: "true",
      },
    );
    assert.equal((await tokensNamed("token-kept")).length, 1);
    for (const o of [viaConfig, viaEnv]) assert.equal(await known(o.child), true);
  });
});
