/**
 * examples/vault-ci-token under the real engine against a real Vault API server (vault server
 * -dev): the issued token can do exactly its declared capabilities on its paths; lookup shows the
 * declared ttl, explicit max and non-renewable; rotation issues generation n+1 while n still works
 * inside the overlap, then revokes n; destroy revokes every generation. The ledger records each
 * step (each generation's canary probe passing as `verified`) and verifies. Failing ups (Vault unreachable, ledger unwritable) leave state consistent: the
 * next up converges and no token stays valid in Vault that the state does not know.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { fingerprintOf } from "../../lib/audit/fingerprint";
import { formatInstant } from "../../lib/rotation/clock";
import { generation, jitteredAnchor } from "../../lib/rotation/schedule";
import {
  fingerprint,
  freePort,
  newStack,
  run,
  startDevVault,
  type DevVault,
  type Stack,
} from "./harness";
import { assertNoPlaintextTokens } from "./state-checks";

const REPO = path.resolve(__dirname, "../..");
const EXAMPLE = path.join(REPO, "examples/vault-ci-token");
const DAY = 86400;
const TTL = 31 * DAY;

/** Instants on ci-deploy's jittered schedule in this stack (every 30d, overlap 1d). */
function clockFor(stack: Stack): (n: number, offsetSeconds: number) => string {
  const anchor = jitteredAnchor(`tokenguard-vault-ci-token/${stack.name}/ci-deploy`, 30 * DAY);
  return (n, offset) =>
    formatInstant(
      generation({ every: 30 * DAY, overlap: DAY, ttl: TTL, anchor }, n).start + offset,
    );
}

/**
 * A dev Vault and a stack of the example pointed at it, with the ledger in a scratch folder
 * (`tokenguard:ledger`, and a secret `tokenguard:ledgerKey`).
 */
async function vaultStackWithLedger(ledgerKey: string) {
  const vault = await startDevVault();
  let stack: Stack | undefined;
  let ledgerDir: string | undefined;
  try {
    stack = await newStack(EXAMPLE, { env: vault.env, secrets: [vault.token, ledgerKey] });
    ledgerDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "tg-ledger-"));
    await stack.setConfig("tokenguard:ledger", path.join(ledgerDir, "tokens.jsonl"));
    await stack.setConfig("tokenguard:ledgerKey", ledgerKey, { secret: true });
    return { vault, stack, at: clockFor(stack), ledgerDir };
  } catch (e) {
    await closeVaultStack(vault, stack, ledgerDir); // nothing left running for after() to miss
    throw e;
  }
}

/** Destroys what the stack still holds, then stops Vault and removes the ledger folder. */
async function closeVaultStack(vault?: DevVault, stack?: Stack, ledgerDir?: string) {
  if (stack) {
    await stack.destroy().catch(() => undefined);
    await stack.cleanup();
  }
  if (vault) await vault.stop();
  if (ledgerDir) await fs.promises.rm(ledgerDir, { recursive: true, force: true });
}

interface Issued {
  token: string;
  accessor: string;
}

async function currentToken(stack: Stack): Promise<Issued & { previous?: Issued }> {
  const out = await stack.outputs({ showSecrets: true });
  const prev = out.ciTokenPrevious as { value: string; tokenId: string } | undefined;
  return {
    token: String(out.ciToken),
    accessor: String(out.ciTokenAccessor),
    ...(prev ? { previous: { token: prev.value, accessor: prev.tokenId } } : {}),
  };
}

/** Status of a request made with `token`. */
async function statusWith(
  vault: DevVault,
  token: string,
  method: string,
  p: string,
  body?: unknown,
) {
  return (await vault.api(method, p, { token, body })).status;
}

/** Generations of ci-deploy that Vault holds live tokens for, from the tokens' own metadata. */
async function liveGenerations(vault: DevVault): Promise<number[]> {
  const list = await vault.api("LIST", "auth/token/accessors");
  const accessors = ((list.body?.data as { keys?: string[] })?.keys ?? []) as string[];
  const gens: number[] = [];
  for (const accessor of accessors) {
    const r = await vault.api("POST", "auth/token/lookup-accessor", { body: { accessor } });
    const meta = (r.body?.data as { meta?: Record<string, string> } | undefined)?.meta;
    if (meta?.["tokenguard-token"] === "ci-deploy")
      gens.push(Number(meta["tokenguard-generation"]));
  }
  return gens.sort((a, b) => a - b);
}

/** Generations the state declares (children ci-deploy-g<n>). */
async function stateGenerations(stack: Stack): Promise<number[]> {
  const state = await stack.exportState();
  return (state.deployment.resources ?? [])
    .map((r) => /::ci-deploy-g(\d+)$/.exec(r.urn)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

function tokenguard(args: string[]) {
  return run(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", path.join(REPO, "lib/cli/main.ts"), ...args],
    {
      cwd: REPO,
      allowFail: true,
    },
  );
}

describe("e2e: a Vault token through up, rotation and destroy (examples/vault-ci-token)", function () {
  this.timeout(1_800_000);
  let vault: DevVault;
  let stack: Stack;
  let at: (n: number, offset: number) => string;
  let ledgerDir: string;
  const ledgerKey = randomBytes(32).toString("hex");
  const issued: string[] = [];
  let g0: Issued;
  let g1: Issued;

  before(async () => {
    ({ vault, stack, at, ledgerDir } = await vaultStackWithLedger(ledgerKey));
    // What the token may and may not reach.
    for (const p of ["secret/data/ci/app", "secret/data/prod/db"]) {
      const w = await vault.api("POST", p, {
        body: { data: { password: randomBytes(8).toString("hex") } },
      });
      assert.equal(w.status, 200, `seeding ${p}`);
    }
  });

  after(() => closeVaultStack(vault, stack, ledgerDir));

  it("up issues a token with exactly its declared capabilities on its paths", async () => {
    await stack.setConfig("tokenguard:now", at(30, 10 * DAY));
    await stack.up();
    g0 = await currentToken(stack);
    issued.push(g0.token);
    assert.equal((await stack.outputs()).ciTokenGeneration, 30);
    assert.equal((await stack.outputs()).ciToken, "[secret]");
    const t = g0.token;
    assert.equal(await statusWith(vault, t, "GET", "secret/data/ci/app"), 200, "read on its path");
    assert.equal(
      await statusWith(vault, t, "GET", "secret/metadata/ci?list=true"),
      200,
      "list on its path",
    );
    assert.equal(
      await statusWith(vault, t, "GET", "secret/data/prod/db"),
      403,
      "denied another path",
    );
    assert.equal(
      await statusWith(vault, t, "POST", "secret/data/ci/app", { data: { x: "y" } }),
      403,
      "denied a capability it was not given (update)",
    );
    assert.equal(
      await statusWith(vault, t, "GET", "secret/metadata/ci/app"),
      403,
      "read is not list",
    );
  });

  it("token lookup shows the declared ttl, explicit max ttl, non-renewable, one policy", async () => {
    // The token has no default policy, so it cannot look itself up: root looks it up.
    const r = await vault.api("POST", "auth/token/lookup", { body: { token: g0.token } });
    const d = r.body?.data as Record<string, unknown>;
    assert.equal(r.status, 200);
    assert.equal(d.explicit_max_ttl, TTL);
    assert.equal(d.renewable, false);
    assert.ok(Number(d.ttl) > TTL - 120 && Number(d.ttl) <= TTL, `ttl ${d.ttl}`);
    assert.deepEqual(d.policies, [`tokenguard-tokenguard-vault-ci-token-${stack.name}-ci-deploy`]);
    assert.equal(d.accessor, g0.accessor, "tokenId is the accessor");
    assert.equal((d.meta as Record<string, string>)["tokenguard-owner"], "team-platform");
    await assertNoPlaintextTokens(stack, issued);
  });

  it("past the boundary, up issues generation n+1 while n still works inside the overlap", async () => {
    await stack.setConfig("tokenguard:now", at(31, 6 * 3600));
    await stack.up();
    const now = await currentToken(stack);
    g1 = { token: now.token, accessor: now.accessor };
    issued.push(g1.token);
    assert.notEqual(g1.accessor, g0.accessor);
    assert.equal(now.previous?.accessor, g0.accessor, "previous is generation n");
    assert.equal(await statusWith(vault, g1.token, "GET", "secret/data/ci/app"), 200, "n+1 works");
    assert.equal(
      await statusWith(vault, g0.token, "GET", "secret/data/ci/app"),
      200,
      "n still works",
    );
    assert.deepEqual(await liveGenerations(vault), [30, 31]);
    await assertNoPlaintextTokens(stack, issued);
  });

  it("after the overlap, generation n is revoked", async () => {
    await stack.setConfig("tokenguard:now", at(31, DAY + 60));
    await stack.up();
    const now = await currentToken(stack);
    assert.equal(now.accessor, g1.accessor, "n+1 stays");
    assert.equal(now.previous, undefined);
    const lookup = await vault.api("POST", "auth/token/lookup-accessor", {
      body: { accessor: g0.accessor },
    });
    assert.notEqual(lookup.status, 200, "the old accessor no longer resolves");
    assert.equal(
      await statusWith(vault, g0.token, "GET", "secret/data/ci/app"),
      403,
      "n is refused",
    );
    assert.equal(await statusWith(vault, g1.token, "GET", "secret/data/ci/app"), 200);
    assert.deepEqual(await liveGenerations(vault), [31]);
    assert.deepEqual(await stateGenerations(stack), [31]);
  });

  it("destroy revokes every generation and deletes the policy", async () => {
    await stack.destroy();
    assert.equal(await statusWith(vault, g1.token, "GET", "secret/data/ci/app"), 403);
    assert.deepEqual(await liveGenerations(vault), []);
    const policy = await vault.api(
      "GET",
      `sys/policies/acl/tokenguard-tokenguard-vault-ci-token-${stack.name}-ci-deploy`,
    );
    assert.equal(policy.status, 404);
  });

  it("the ledger recorded issued, rotated-in, retired and revoked, fingerprints only, and verifies", async () => {
    const file = path.join(ledgerDir, "tokens.jsonl");
    const text = await fs.promises.readFile(file, "utf8");
    for (const t of issued)
      assert.ok(!text.includes(t), `the ledger holds a token (${fingerprint(t)})`);
    assert.ok(!text.includes(ledgerKey), "the ledger holds the ledger key");
    const records = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const mine = records.filter((r) => r.token === "ci-deploy");
    assert.deepEqual(
      mine.map((r) => `${r.event} g${r.generation}`),
      [
        "issued g30",
        "verified g30",
        "rotated-in g31",
        "verified g31",
        "retired g30",
        "revoked g31",
      ],
    );
    assert.equal(mine[0].fingerprint, fingerprintOf(ledgerKey, g0.token));
    assert.equal(mine[2].fingerprint, fingerprintOf(ledgerKey, g1.token));
    const verify = await tokenguard(["audit", "verify", file]);
    assert.equal(verify.code, 0, verify.stderr);
  });
});

describe("e2e: failing ups leave Vault and the state consistent", function () {
  this.timeout(1_800_000);
  let vault: DevVault;
  let stack: Stack;
  let at: (n: number, offset: number) => string;
  let ledgerDir: string;
  const ledgerKey = randomBytes(32).toString("hex");

  before(async () => {
    ({ vault, stack, at, ledgerDir } = await vaultStackWithLedger(ledgerKey));
    await stack.setConfig("tokenguard:now", at(10, 10 * DAY));
    await stack.up();
  });

  after(async () => {
    // A failed case may have left Vault's address or the ledger broken: repair, then destroy.
    if (stack) {
      await stack.pulumi(["config", "rm", "vault:address"], { allowFail: true });
      await stack
        .setConfig("tokenguard:ledger", path.join(ledgerDir, "tokens.jsonl"))
        .catch(() => undefined);
    }
    await closeVaultStack(vault, stack, ledgerDir);
  });

  it("Vault unreachable during a rotation: up fails, the next up converges, no orphan token", async () => {
    const closed = await freePort();
    await stack.setConfig("vault:address", `http://127.0.0.1:${closed}`);
    await stack.setConfig("tokenguard:now", at(11, 6 * 3600));
    const failed = await stack.pulumi(["up", "--yes", "--skip-preview"], { allowFail: true });
    assert.notEqual(failed.code, 0, "up fails while Vault is unreachable");
    assert.deepEqual(await liveGenerations(vault), [10], "nothing new was issued");
    assert.deepEqual(await stateGenerations(stack), [10]);

    await stack.pulumi(["config", "rm", "vault:address"]);
    await stack.up();
    assert.deepEqual(await stateGenerations(stack), [10, 11]);
    assert.deepEqual(
      await liveGenerations(vault),
      [10, 11],
      "Vault holds exactly what the state declares",
    );
    const again = await stack.pulumi(["preview", "--expect-no-changes"], { allowFail: true });
    assert.equal(again.code, 0, `a second run has nothing to do:\n${again.stdout.slice(-2000)}`);
  });

  it("ledger unwritable: up fails, the value is not delivered; after repair it converges once", async () => {
    // A regular file where the ledger's directory should be: every append fails.
    const blocker = path.join(ledgerDir, "blocked");
    await fs.promises.writeFile(blocker, "");
    await stack.setConfig("tokenguard:ledger", path.join(blocker, "tokens.jsonl"));
    await stack.setConfig("tokenguard:now", at(12, 6 * 3600));
    const failed = await stack.pulumi(["up", "--yes", "--skip-preview"], { allowFail: true });
    assert.notEqual(failed.code, 0, "up fails while the ledger cannot be written");
    assert.match(failed.stdout + failed.stderr, /tokenguard ledger: could not record/);
    const outs = await stack.outputs({ showSecrets: true });
    const vaultGens = await liveGenerations(vault);
    assert.deepEqual(
      await stateGenerations(stack),
      vaultGens,
      "Vault holds exactly what the state declares",
    );
    // Whatever the engine got to, generation 12's value was not handed out.
    assert.notEqual(outs.ciTokenGeneration, 12, "the new generation is not in the outputs");

    await stack.setConfig("tokenguard:ledger", path.join(ledgerDir, "tokens.jsonl"));
    await stack.up();
    assert.equal((await stack.outputs()).ciTokenGeneration, 12);
    assert.deepEqual(await liveGenerations(vault), await stateGenerations(stack));
    const records = (await fs.promises.readFile(path.join(ledgerDir, "tokens.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { event: string; generation: number });
    const opened = records.filter((r) => r.generation === 12 && r.event === "rotated-in");
    assert.equal(opened.length, 1, "generation 12 is recorded exactly once");
    const verify = await tokenguard(["audit", "verify", path.join(ledgerDir, "tokens.jsonl")]);
    assert.equal(verify.code, 0, verify.stderr);
  });
});
