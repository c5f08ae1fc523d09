/**
 * The canary cutover under the real engine against a real Vault (vault server -dev):
 * - a healthy rotation passes its probe (recorded `verified` in the ledger) and retires the old
 *   generation after the overlap;
 * - a token whose policy no longer matches its declared scope (the generated policy edited out of
 *   band) fails the up with the probe's answer: the new value is not released and the previous
 *   generation is neither deleted from the state nor revoked in Vault; after `pulumi refresh`
 *   restores the policy, the next up converges;
 * - an unreachable probe target and a probe that times out fail the up the same way, naming why.
 */
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { formatInstant } from "../../lib/rotation/clock";
import { generation, jitteredAnchor } from "../../lib/rotation/schedule";
import {
  engineBin,
  freePort,
  newStack,
  startDevVault,
  tempProgram,
  type DevVault,
  type Stack,
  type TempProgram,
} from "./harness";
import { assertNoPlaintextTokens } from "./state-checks";

const DAY = 86400;
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { ScopedToken } from "tokenguard";

const config = new pulumi.Config();
const address = config.get("probeAddress");
const token = new ScopedToken("deploy", {
  backend: "vault",
  scopes: ["secret/data/ci/*:read"],
  ttl: "31d",
  rotation: { every: "30d", overlap: "1d" },
  owner: "team-platform",
  purpose: "canary e2e",
  verify: { attempts: 2, backoff: "1s", timeout: "2s", ...(address ? { address } : {}) },
});
export const value = token.value;
export const accessor = token.tokenId;
export const generation = token.generation;
`;

describe("e2e: the canary cutover of a Vault token", function () {
  this.timeout(1_800_000);
  let vault: DevVault;
  let prog: TempProgram;
  let stack: Stack;
  let ledgerDir: string;
  let at: (n: number, offset: number) => string;
  const ledgerKey = randomBytes(32).toString("hex");
  const issued: string[] = [];
  let policyName: string;

  before(async () => {
    const bin = engineBin();
    vault = await startDevVault({ bin });
    prog = await tempProgram({ "index.ts": PROGRAM }, { name: "canary-vault" });
    stack = await newStack(prog.dir, { bin, env: vault.env, secrets: [vault.token, ledgerKey] });
    ledgerDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "tg-canary-ledger-"));
    // The default provider's own child token would revoke the token with it (vault-provider-child-token).
    await stack.setConfig("vault:skipChildToken", "true");
    await stack.setConfig("tokenguard:ledger", path.join(ledgerDir, "tokens.jsonl"));
    await stack.setConfig("tokenguard:ledgerKey", ledgerKey, { secret: true });
    const anchor = jitteredAnchor(`canary-vault/${stack.name}/deploy`, 30 * DAY);
    at = (n, offset) =>
      formatInstant(
        generation({ every: 30 * DAY, overlap: DAY, ttl: 31 * DAY, anchor }, n).start + offset,
      );
    policyName = `tokenguard-canary-vault-${stack.name}-deploy`.toLowerCase();
  });

  after(async () => {
    if (stack) {
      await stack.pulumi(["config", "rm", "probeAddress"], { allowFail: true });
      await stack.destroy().catch(() => undefined);
      await stack.cleanup();
    }
    await vault?.stop();
    await prog?.remove();
    if (ledgerDir) await fs.promises.rm(ledgerDir, { recursive: true, force: true });
  });

  const outputs = async () => {
    const o = await stack.outputs({ showSecrets: true });
    return {
      token: String(o.value),
      accessor: String(o.accessor),
      generation: Number(o.generation),
    };
  };
  const live = async (accessor: string) =>
    (await vault.api("POST", "auth/token/lookup-accessor", { body: { accessor } })).status === 200;
  const reads = async (token: string) =>
    (await vault.api("GET", "secret/data/ci/app", { token })).status;
  const events = async () =>
    (await fs.promises.readFile(path.join(ledgerDir, "tokens.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map(
        (l) => JSON.parse(l) as { event: string; generation: number; probe?: { answer: string } },
      )
      .map((r) => `${r.event} g${r.generation}${r.probe ? `: ${r.probe.answer}` : ""}`);
  const failedUp = async () => {
    const r = await stack.pulumi(["up", "--yes", "--skip-preview"], { allowFail: true });
    assert.notEqual(r.code, 0, "the up fails");
    return r.stdout + r.stderr;
  };

  it("a healthy rotation passes its probe, then retires the old generation after the overlap", async () => {
    await vault.api("POST", "secret/data/ci/app", { body: { data: { k: "v" } } });
    await stack.setConfig("tokenguard:now", at(10, 10 * DAY));
    await stack.up();
    const g10 = await outputs();
    issued.push(g10.token);
    assert.equal(g10.generation, 10);

    await stack.setConfig("tokenguard:now", at(11, 6 * 3600));
    await stack.up();
    const g11 = await outputs();
    issued.push(g11.token);
    assert.equal(g11.generation, 11);
    assert.ok(await live(g10.accessor), "inside the overlap the old generation stays");

    await stack.setConfig("tokenguard:now", at(11, DAY + 60));
    await stack.up();
    assert.equal(await live(g10.accessor), false, "after the overlap it is revoked");
    assert.equal(await reads(g11.token), 200);
    assert.deepEqual(await events(), [
      "issued g10",
      "verified g10: authorised (404: no data at the path, which the probe needs none of)",
      "rotated-in g11",
      "verified g11: authorised (404: no data at the path, which the probe needs none of)",
      "retired g10",
    ]);
    await assertNoPlaintextTokens(stack, issued);
  });

  it("a policy that no longer matches the scope fails the up before anything is retired, and says why", async () => {
    const g11 = await outputs();
    // Out of band: someone narrows the generated policy to another path.
    const edit = await vault.api("PUT", `sys/policies/acl/${policyName}`, {
      body: { policy: 'path "secret/data/other/*" { capabilities = ["read"] }' },
    });
    assert.equal(edit.status, 204);
    // Past generation 12's overlap: a successful up would issue g12 and delete g11 in one run.
    await stack.setConfig("tokenguard:now", at(12, DAY + 60));
    const out = await failedUp();
    assert.match(
      out,
      /tokenguard canary: token "deploy" generation 12 failed its probe \(GET secret\/data\/ci\/tokenguard-probe on http:\/\/127\.0\.0\.1:\d+\): 403 permission denied: the token's policy does not grant read on secret\/data\/ci\/tokenguard-probe — after 2 tries/,
    );
    const now = await outputs();
    assert.equal(now.generation, 11, "the new value is not released");
    assert.equal(now.token, g11.token);
    assert.ok(await live(g11.accessor), "the previous generation is not revoked");
    const state = await stack.exportState();
    const gens = (state.deployment.resources ?? [])
      .map((r) => /::deploy-g(\d+)$/.exec(r.urn)?.[1])
      .filter(Boolean);
    assert.ok(gens.includes("11"), `g11 stays in the state (${gens.join(",")})`);
    assert.ok(!(await events()).some((e) => e.startsWith("verified g12")));
    assert.ok(!(await events()).some((e) => e.startsWith("retired g11")));

    // The runbook: refresh finds the drifted policy, up restores it and completes the rotation.
    await stack.refresh();
    await stack.up();
    const g12 = await outputs();
    issued.push(g12.token);
    assert.equal(g12.generation, 12);
    assert.equal(await live(g11.accessor), false, "now the old generation retires");
    assert.equal(await reads(g12.token), 200);
    assert.deepEqual((await events()).slice(-3), [
      "rotated-in g12",
      "verified g12: authorised (404: no data at the path, which the probe needs none of)",
      "retired g11",
    ]);
    await assertNoPlaintextTokens(stack, issued);
  });

  it("an unreachable probe target, or one that never answers, fails the up and revokes nothing", async () => {
    const g12 = await outputs();
    await stack.setConfig("probeAddress", `http://127.0.0.1:${await freePort()}`);
    await stack.setConfig("tokenguard:now", at(13, DAY + 60));
    assert.match(
      await failedUp(),
      /generation 13 failed its probe \(GET .*\): unreachable: ECONNREFUSED — after 2 tries/,
    );
    assert.ok(await live(g12.accessor));

    // A server that accepts connections and never answers.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    try {
      await stack.setConfig(
        "probeAddress",
        `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`,
      );
      assert.match(
        await failedUp(),
        /generation 13 failed its probe .*: no answer within 2s \(timed out\) — after 2 tries/,
      );
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
    const now = await outputs();
    assert.equal(now.generation, 12);
    assert.ok(await live(g12.accessor), "nothing was revoked");
    await stack.pulumi(["config", "rm", "probeAddress"]);
    await stack.up();
    assert.equal((await outputs()).generation, 13);
  });
});
