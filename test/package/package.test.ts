/**
 * The package as users install it: `npm pack`, a fresh project outside the repository installing
 * only the tarball and the Pulumi packages a user would, then the CLI, the shipped pack under
 * `tokenguard check` and the real `pulumi preview --policy-pack node_modules/tokenguard/policy-packs/tokenguard`,
 * and a Vault token's `pulumi up` and `destroy` against a real Vault server — all from there.
 */
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type * as Sarif from "sarif";
import { fingerprint, newStack, run, startDevVault } from "../e2e/harness";
import { sarifValidator } from "../helpers/sarif";
import {
  freshProject,
  pulumiYaml,
  REPO,
  TEMPLATE_TSCONFIG,
  testedVersion,
  VERSION,
  type FreshProject,
} from "./project";

const PACK = "node_modules/tokenguard/policy-packs/tokenguard";
/**
 * Two days before the run: generation 0 is current and has no predecessor, so each token is issued
 * once. Without an anchor the schedule is jittered per token, and about one run in thirty would
 * fall inside a predecessor's one-day overlap and issue two generations.
 */
const ANCHOR = new Date(Date.now() - 2 * 86_400_000).toISOString();

const common = `  ttl: "31d",
  rotation: { every: "30d", overlap: "1d", anchor: "${ANCHOR}" },
  owner: "team-orders",
  purpose: "packaging test",`;

const PROGRAMS: Record<string, string> = {
  "good/Pulumi.yaml": pulumiYaml("good"),
  "good/index.ts": `import { ScopedToken } from "tokenguard";

const orders = new ScopedToken("orders-api", {
  backend: "random",
  scopes: ["orders:read", "orders:list"],
${common}
});

export const ordersToken = orders.value;
export const ordersTokenHash = orders.hash;
export const ordersTokenPrevious = orders.previous;
`,
  "bad/Pulumi.yaml": pulumiYaml("bad"),
  "bad/index.ts": `import * as random from "@pulumi/random";
import { ScopedToken, type ScopedTokenArgs } from "tokenguard";

new ScopedToken("everything", {
  backend: "random",
  scopes: ["orders:*"],
${common}
});

new ScopedToken("misspelt", {
  backend: "random",
  scopes: ["orders:read"],
${common}
  random: { byte: 64 },
} as unknown as ScopedTokenArgs);

new random.RandomPassword("api-token", { length: 8 });
`,
  "weak/Pulumi.yaml": pulumiYaml("weak"),
  "weak/index.ts": `import * as random from "@pulumi/random";

// A raw token with about 6 bytes of entropy: the pack's random-token-strength refuses it.
export const apiToken = new random.RandomPassword("api-token", { length: 8 }).result;
`,
  "vault/Pulumi.yaml": pulumiYaml("vault"),
  "vault/index.ts": `import { ScopedToken } from "tokenguard";

const ci = new ScopedToken("ci-deploy", {
  backend: "vault",
  scopes: ["secret/data/ci/*:read"],
${common}
});

export const ciToken = ci.value;
export const ciTokenId = ci.tokenId;
`,
  "aws/Pulumi.yaml": pulumiYaml("aws"),
  "aws/index.ts": `import { ScopedToken } from "tokenguard";

new ScopedToken("reports-reader", {
  backend: "aws-iam",
  scopes: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::acme-reports/monthly/*"] }],
${common}
});
`,
  "tsconfig.json": TEMPLATE_TSCONFIG,
};

describe("package: what users install, run from a fresh project", function () {
  this.timeout(1_800_000);
  let project: FreshProject;

  before(async () => {
    project = await freshProject({
      tokenguard: VERSION,
      "@pulumi/pulumi": testedVersion("@pulumi/pulumi"),
      "@pulumi/random": testedVersion("@pulumi/random"),
      "@pulumi/vault": testedVersion("@pulumi/vault"),
      typescript: testedVersion("typescript"),
      "@types/node": testedVersion("@types/node"),
    });
    await project.write(PROGRAMS);
  });

  after(async () => {
    await project?.remove();
  });

  it("the tarball holds the compiled package, the runnable pack and LICENSE; no sources or maps", async () => {
    const r = await run("npm", ["pack", "--dry-run", "--json"], { cwd: REPO });
    const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0].files.map(
      (f) => f.path,
    );
    for (const f of [
      "LICENSE",
      "README.md",
      "dist/lib/index.js",
      "dist/lib/index.d.ts",
      "dist/lib/policy/index.js",
      "dist/lib/cli/main.js",
      "dist/lib/check/host/main.js",
      "policy-packs/tokenguard/index.js",
      "policy-packs/tokenguard/package.json",
      "policy-packs/tokenguard/PulumiPolicy.yaml",
    ]) {
      assert.ok(files.includes(f), `${f} is in the tarball`);
    }
    assert.deepEqual(
      files.filter((f) => f.endsWith(".map")),
      [],
      "no source maps without sources",
    );
    assert.deepEqual(
      files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")),
      [],
    );
    const packJson = JSON.parse(
      readFileSync(path.join(REPO, "policy-packs/tokenguard/package.json"), "utf8"),
    );
    assert.equal(packJson.version, VERSION, "the pack's version is the package's");
    assert.equal(
      packJson.dependencies.tokenguard,
      `^${VERSION}`,
      "a copied pack depends on this release",
    );
  });

  it("installs one Pulumi SDK, the policy SDK as a peer, and no provider SDK the user did not ask for", () => {
    const nm = path.join(project.dir, "node_modules");
    assert.ok(
      existsSync(path.join(nm, "@pulumi/policy/package.json")),
      "@pulumi/policy came as a peer",
    );
    assert.ok(
      !existsSync(path.join(nm, "@pulumi/aws")),
      "no @pulumi/aws for a project without aws backends",
    );
    assert.ok(
      !existsSync(path.join(nm, "tokenguard/node_modules/@pulumi/pulumi")),
      "tokenguard uses the project's @pulumi/pulumi, never a nested copy",
    );
  });

  it("the CLI answers --version and --help from the installed package", async () => {
    const version = await project.sh("tokenguard --version");
    assert.equal(version.stdout.trim(), VERSION);
    const help = await project.sh("tokenguard --help");
    for (const command of ["check", "diff", "scan", "report", "audit", "usage"])
      assert.match(help.stdout, new RegExp(`\\b${command}\\b`));
  });

  it("a program importing tokenguard type-checks with Pulumi's template tsconfig (no skipLibCheck)", async () => {
    const r = await project.sh("tsc --noEmit -p . ", { allowFail: true });
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  it("check with the shipped pack: a good program passes, a bad one lists every violation", async () => {
    const good = await project.sh("tokenguard check good --format json");
    assert.deepEqual(JSON.parse(good.stdout).violations, []);
    const bad = await project.sh("tokenguard check bad --format json", { allowFail: true });
    assert.equal(bad.code, 1, bad.stderr);
    const found = (
      JSON.parse(bad.stdout).violations as { policy: string; urn: string; level: string }[]
    )
      .filter((v) => v.level === "mandatory")
      .map((v) => `${v.policy} ${v.urn.split("::").pop()}`)
      .sort();
    assert.deepEqual(found, [
      "random-token-strength api-token",
      "token-arguments-valid misspelt",
      "token-least-privilege everything",
    ]);
    const sarif = await project.sh("tokenguard check bad --format sarif", { allowFail: true });
    assert.equal(sarif.code, 1);
    const log = JSON.parse(sarif.stdout) as Sarif.Log;
    const validate = sarifValidator();
    assert.ok(validate(log), JSON.stringify(validate.errors));
    assert.equal(log.runs[0].results?.length, 3);
  });

  it("diff from the installed package: a stack not deployed yet makes every token new", async () => {
    await project.write({ "none.json": '{"version": 3, "deployment": {"resources": []}}' });
    const r = await project.sh("tokenguard diff good --against none.json --format json", {
      allowFail: true,
    });
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as {
      summary: { added: number };
      tokens: { gained: unknown[] }[];
    };
    assert.equal(doc.summary.added, 1);
    assert.deepEqual(doc.tokens[0].gained, [{ scope: "orders:read" }, { scope: "orders:list" }]);
    const allowed = await project.sh("tokenguard diff good --against none.json --allow-widening");
    assert.match(allowed.stdout, /1 token: 1 added; 2 widenings, all approved/);
  });

  it("a backend whose provider SDK is not installed: one line naming the install, exit 2", async () => {
    const r = await project.sh("tokenguard check aws", { allowFail: true });
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /"aws-iam" and "aws-secret" backends needs the npm package @pulumi\/aws, which is not installed; install it beside your program: npm install @pulumi\/aws/,
    );
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  });

  it("the real pulumi preview with the shipped pack: good passes, a weak raw token fails", async () => {
    const policyPack = path.join(project.dir, PACK);
    const good = await newStack(path.join(project.dir, "good"));
    try {
      const r = await good.pulumi(["preview", "--policy-pack", policyPack]);
      assert.doesNotMatch(r.stdout, /mandatory/);
      assert.doesNotMatch(
        r.stdout + r.stderr,
        /will not show as a stack output/,
        "no warning a user must puzzle over",
      );
    } finally {
      await good.cleanup();
    }
    const weak = await newStack(path.join(project.dir, "weak"));
    try {
      const r = await weak.pulumi(["preview", "--policy-pack", policyPack], { allowFail: true });
      assert.notEqual(r.code, 0);
      assert.match(r.stdout + r.stderr, /random-token-strength/);
      assert.match(r.stdout + r.stderr, /length 8 over an alphabet of \d+ characters/);
    } finally {
      await weak.cleanup();
    }
  });

  it("the real pulumi preview of a refused declaration: its message alone, naming the new call", async () => {
    const bad = await newStack(path.join(project.dir, "bad"));
    try {
      const r = await bad.pulumi(["preview"], { allowFail: true });
      const out = r.stdout + r.stderr;
      assert.notEqual(r.code, 0);
      assert.match(out, /error: ScopedToken "everything" is refused:\n/);
      assert.match(out, /\[token-least-privilege\]\n\s+\(declared at index\.ts:4:1\)\n/);
      assert.doesNotMatch(out, /\n\s+at (new |Object\.)/, "no stack trace");
      assert.doesNotMatch(out, /findings:|__pulumResourceError/, "no object dump");
    } finally {
      await bad.cleanup();
    }
  });

  it("pulumi up and destroy of a Vault token against a real Vault server, from the fresh project", async () => {
    const vault = await startDevVault();
    const ledgerKey = randomBytes(32).toString("hex");
    const stack = await newStack(path.join(project.dir, "vault"), {
      env: vault.env,
      secrets: [vault.token, ledgerKey],
    });
    const ledger = path.join(project.dir, "vault", "tokens.jsonl");
    try {
      await stack.setConfig("vault:skipChildToken", "true");
      // The dynamic providers (the ledger entry, the canary) are serialized from the installed
      // package and must load again in the engine's provider host.
      await stack.setConfig("tokenguard:ledger", ledger);
      await stack.setConfig("tokenguard:ledgerKey", ledgerKey, { secret: true });
      await stack.pulumi([
        "up",
        "--yes",
        "--skip-preview",
        "--policy-pack",
        path.join(project.dir, PACK),
      ]);
      const out = await stack.outputs({ showSecrets: true });
      const token = String(out.ciToken);
      const lookup = () => vault.api("POST", "auth/token/lookup", { body: { token } });
      const live = await lookup();
      assert.equal(live.status, 200, `the issued token (${fingerprint(token)}) is valid in Vault`);
      const data = live.body?.data as { accessor: string; policies: string[]; renewable: boolean };
      assert.equal(data.accessor, out.ciTokenId);
      assert.equal(data.renewable, false);
      // What the token may do is exactly its scope: read under secret/data/ci/, nothing else.
      const readCi = await vault.api("GET", "secret/data/ci/app", { token });
      assert.equal(readCi.status, 404, "authorised (no data there yet)");
      const readOther = await vault.api("GET", "secret/data/prod/db", { token });
      assert.equal(readOther.status, 403, "refused outside its scope");
      await stack.destroy();
      assert.notEqual((await lookup()).status, 200, "destroy revoked it");
      const events = readFileSync(ledger, "utf8")
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { event: string }).event);
      assert.deepEqual(events, ["issued", "verified", "revoked"]);
    } finally {
      await stack.cleanup();
      await vault.stop();
    }
  });

  it("the shipped pack, copied away from its packages, says which to install", async () => {
    const away = path.join(project.dir, "..", `${path.basename(project.dir)}-pack-copy`);
    await project.sh(`rm -rf '${away}' && cp -r '${PACK}' '${away}'`);
    try {
      const r = await project.sh(`tokenguard check good --policy-pack '${away}'`, {
        allowFail: true,
      });
      assert.equal(r.code, 2);
      assert.match(
        r.stderr,
        /cannot find @pulumi\/pulumi; install it in the project that runs the pack \(npm install @pulumi\/pulumi\)/,
      );
    } finally {
      await project.sh(`rm -rf '${away}'`);
    }
  });
});
