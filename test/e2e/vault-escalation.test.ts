/**
 * The Vault escalation model against a real Vault server: for a sample of the endpoints it refuses,
 * a token holding exactly the refused grant really does gain more than it was given (an orphan that
 * outlives its parent's revocation; the `admin` policy through a token role, a userpass user, an
 * AppRole, an identity group; a rewritten policy of its own). A token with a narrow grant
 * tokenguard accepts can do none of it. So the model refuses real escalations, not guesses.
 */
import { strict as assert } from "node:assert";
import { judgeToken } from "../../lib/rules/token-rules";
import { DEFAULT_POLICY } from "../../lib/schema/policy-file";
import { parseTokenSpec } from "../../lib/schema/token";
import { goodToken } from "../helpers/fixtures";
import { startDevVault, type DevVault } from "./harness";

const ADMIN = 'path "*" { capabilities = ["create", "read", "update", "delete", "list", "sudo"] }';

const refusedByTokenguard = (scopes: string[]) =>
  judgeToken(parseTokenSpec(goodToken({ scopes })), DEFAULT_POLICY).some(
    (f) => f.rule === "token-least-privilege" && /privilege escalation: /.test(f.message),
  );

describe("e2e: Vault escalation endpoints really escalate (real Vault server)", function () {
  this.timeout(120_000);
  let vault: DevVault;
  let n = 0;

  /** As root: a policy of exactly `scopes` and a token holding only it. */
  async function tokenWith(scopes: string[]): Promise<string> {
    const name = `grant-${++n}`;
    const policy = scopes
      .map((s) => {
        const colon = s.lastIndexOf(":");
        const caps = s
          .slice(colon + 1)
          .split(",")
          .map((c) => JSON.stringify(c));
        return `path ${JSON.stringify(s.slice(0, colon))} { capabilities = [${caps.join(", ")}] }`;
      })
      .join("\n");
    assert.equal(
      (await vault.api("PUT", `sys/policies/acl/${name}`, { body: { policy } })).status,
      204,
    );
    const r = await vault.api("POST", "auth/token/create", {
      body: { policies: [name], no_default_policy: true, ttl: "1h" },
    });
    return (r.body?.auth as { client_token: string }).client_token;
  }

  /** A token's policies, looked up by root (a token without `default` cannot look itself up). */
  const policiesOf = async (token: string) => {
    const r = await vault.api("POST", "auth/token/lookup", { body: { token } });
    const data = r.body?.data as { policies: string[]; identity_policies?: string[] };
    return [...data.policies, ...(data.identity_policies ?? [])];
  };

  before(async () => {
    vault = await startDevVault();
    await vault.api("PUT", "sys/policies/acl/admin", { body: { policy: ADMIN } });
    await vault.api("POST", "sys/auth/userpass", { body: { type: "userpass" } });
    await vault.api("POST", "sys/auth/approle", { body: { type: "approle" } });
  });
  after(async () => {
    if (vault) await vault.stop();
  });

  it("token-create-orphan: an orphan outlives the revocation of the token that made it", async () => {
    const scopes = ["auth/token/create-orphan:update"];
    assert.ok(refusedByTokenguard(scopes));
    const parent = await tokenWith(scopes);
    const made = await vault.api("POST", "auth/token/create-orphan", {
      token: parent,
      body: { ttl: "1h" },
    });
    const orphan = (made.body?.auth as { client_token: string }).client_token;
    await vault.api("POST", "auth/token/revoke", { body: { token: parent } });
    assert.notEqual(
      (await vault.api("POST", "auth/token/lookup", { body: { token: parent } })).status,
      200,
    );
    assert.equal(
      (await vault.api("POST", "auth/token/lookup", { body: { token: orphan } })).status,
      200,
    );
  });

  it("token-roles + token-create-with-role: a role grants a policy the token never held", async () => {
    const scopes = ["auth/token/roles/*:create,update", "auth/token/create/*:update"];
    assert.ok(refusedByTokenguard(scopes));
    const token = await tokenWith(scopes);
    await vault.api("POST", "auth/token/roles/lift", {
      token,
      body: { allowed_policies: ["admin"], orphan: false },
    });
    const made = await vault.api("POST", "auth/token/create/lift", {
      token,
      body: { policies: ["admin"] },
    });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    const admin = (made.body?.auth as { client_token: string }).client_token;
    assert.ok((await policiesOf(admin)).includes("admin"));
  });

  it("auth-users: a userpass user with any policy, then a login as it", async () => {
    const scopes = ["auth/userpass/users/*:create,update"];
    assert.ok(refusedByTokenguard(scopes));
    const token = await tokenWith(scopes);
    const password = `pw-${Date.now()}`;
    const made = await vault.api("POST", "auth/userpass/users/mallory", {
      token,
      body: { password, token_policies: ["admin"] },
    });
    assert.equal(made.status, 204, JSON.stringify(made.body));
    const login = await vault.api("POST", "auth/userpass/login/mallory", {
      token: "",
      body: { password },
    });
    assert.ok((login.body?.auth as { token_policies: string[] }).token_policies.includes("admin"));
  });

  it("auth-roles: an AppRole with any policy, its role ID and a fresh secret ID, then a login", async () => {
    const scopes = ["auth/approle/role/*:create,update,read"];
    assert.ok(refusedByTokenguard(scopes));
    const token = await tokenWith(scopes);
    await vault.api("POST", "auth/approle/role/backdoor", {
      token,
      body: { token_policies: ["admin"] },
    });
    const roleId = (await vault.api("GET", "auth/approle/role/backdoor/role-id", { token })).body
      ?.data as { role_id: string };
    const secret = (await vault.api("POST", "auth/approle/role/backdoor/secret-id", { token })).body
      ?.data as { secret_id: string };
    const login = await vault.api("POST", "auth/approle/login", {
      token: "",
      body: { role_id: roleId.role_id, secret_id: secret.secret_id },
    });
    assert.ok((login.body?.auth as { token_policies: string[] }).token_policies.includes("admin"));
  });

  it("identity-group: a group with any policy and the token's own entity in it", async () => {
    const scopes = ["identity/group/*:create,update"];
    assert.ok(refusedByTokenguard(scopes));
    // A token with an identity: a userpass login holding exactly the refused grant.
    await vault.api("PUT", "sys/policies/acl/group-writer", {
      body: { policy: 'path "identity/group/*" { capabilities = ["create", "update"] }' },
    });
    await vault.api("POST", "auth/userpass/users/eve", {
      body: { password: "eve-pw-1", token_policies: ["group-writer"] },
    });
    const login = await vault.api("POST", "auth/userpass/login/eve", {
      token: "",
      body: { password: "eve-pw-1" },
    });
    const auth = login.body?.auth as { client_token: string; entity_id: string };
    const made = await vault.api("POST", "identity/group/name/lifted", {
      token: auth.client_token,
      body: { policies: ["admin"], member_entity_ids: [auth.entity_id] },
    });
    assert.ok(made.status === 200 || made.status === 204, JSON.stringify(made.body));
    assert.ok((await policiesOf(auth.client_token)).includes("admin"));
  });

  it("acl-policies: a token rewrites its own policy", async () => {
    const scopes = ["sys/policies/acl/*:create,update"];
    assert.ok(refusedByTokenguard(scopes));
    const token = await tokenWith(scopes);
    const own = `grant-${n}`;
    assert.equal((await vault.api("GET", "sys/policies/acl/admin", { token })).status, 403);
    await vault.api("PUT", `sys/policies/acl/${own}`, { token, body: { policy: ADMIN } });
    assert.equal((await vault.api("GET", "sys/policies/acl/admin", { token })).status, 200);
  });

  it("a narrow grant tokenguard accepts can do none of it", async () => {
    const scopes = ["secret/data/app/*:read,update"];
    assert.equal(refusedByTokenguard(scopes), false);
    const token = await tokenWith(scopes);
    for (const [method, p] of [
      ["POST", "auth/token/create-orphan"],
      ["POST", "auth/token/roles/x"],
      ["POST", "auth/userpass/users/x"],
      ["POST", "auth/approle/role/x"],
      ["POST", "identity/group/name/x"],
      ["PUT", "sys/policies/acl/x"],
    ] as const) {
      const r = await vault.api(method, p, { token, body: { policies: ["admin"], policy: ADMIN } });
      assert.equal(r.status, 403, `${method} ${p}`);
    }
  });
});
