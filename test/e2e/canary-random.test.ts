/**
 * The user probe and the dead-man's switch under the real engine: a random token whose `verify`
 * calls a local HTTP service with each new token before its value is released.
 * - healthy: the service accepts the new token, the up passes;
 * - the service was not updated (it refuses the new token): the up fails with the service's answer,
 *   the old generation stays (its child is still in the state, its value still the output), and the
 *   stalled rotation trips `tokenguard report --due`;
 * - once the service accepts it, the next up rotates and `report --due` is quiet again.
 */
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { formatInstant } from "../../lib/rotation/clock";
import { generation, jitteredAnchor } from "../../lib/rotation/schedule";
import { engineBin, newStack, run, tempProgram, type Stack, type TempProgram } from "./harness";
import { assertNoPlaintextTokens } from "./state-checks";

const REPO = path.resolve(__dirname, "../..");
const DAY = 86400;
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { ScopedToken } from "tokenguard";

const config = new pulumi.Config();
const token = new ScopedToken("orders-api", {
  backend: "random",
  scopes: ["orders:read"],
  ttl: "31d",
  rotation: { every: "30d", overlap: "1d" },
  owner: "team-orders",
  purpose: "canary e2e",
  verify: { url: config.require("probeUrl"), attempts: 2, backoff: "1s", timeout: "2s" },
  alert: { before: "12h", runbook: "https://wiki.example.com/runbooks/rotation" },
});
export const value = token.value;
export const generation = token.generation;
export const hash = token.hash;
export const alarmAt = token.alarmAt;
`;

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

describe("e2e: the user probe of a random token, and report --due when rotation stops", function () {
  this.timeout(1_800_000);
  let prog: TempProgram;
  let stack: Stack;
  let server: http.Server;
  let accepting = true;
  const seen: string[] = []; // hashes of the tokens the service was shown
  let at: (n: number, offset: number) => string;
  let scratch: string;
  const issued: string[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      const token = req.headers.authorization?.replace(/^Bearer /, "") ?? "";
      seen.push(sha256(token));
      const ok = accepting && /^tg_[A-Za-z0-9_-]{43}$/.test(token);
      res.writeHead(ok ? 200 : 401).end(ok ? "ok" : "token not recognised");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    prog = await tempProgram({ "index.ts": PROGRAM }, { name: "canary-random" });
    stack = await newStack(prog.dir, { bin: engineBin() });
    await stack.setConfig(
      "probeUrl",
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`,
    );
    const anchor = jitteredAnchor(`canary-random/${stack.name}/orders-api`, 30 * DAY);
    at = (n, offset) =>
      formatInstant(
        generation({ every: 30 * DAY, overlap: DAY, ttl: 31 * DAY, anchor }, n).start + offset,
      );
    scratch = await fs.promises.mkdtemp(path.join(os.tmpdir(), "tg-canary-due-"));
  });

  after(async () => {
    if (stack) {
      await stack.destroy().catch(() => undefined);
      await stack.cleanup();
    }
    await prog?.remove();
    server?.close();
    if (scratch) await fs.promises.rm(scratch, { recursive: true, force: true });
  });

  /** `tokenguard report --due 7d` on the stack's export at `now`. */
  async function reportDue(now: string) {
    const file = path.join(scratch, "state.json");
    await fs.promises.writeFile(file, (await stack.pulumi(["stack", "export"])).stdout);
    const r = await run(
      process.execPath,
      [
        "-r",
        "ts-node/register/transpile-only",
        path.join(REPO, "lib/cli/main.ts"),
        "report",
        "--stack-export",
        file,
        "--due",
        "7d",
        "--now",
        now,
        "--format",
        "json",
      ],
      { cwd: REPO, allowFail: true },
    );
    return { code: r.code, report: r.code < 2 ? JSON.parse(r.stdout) : r.stderr };
  }

  it("a healthy rotation is verified by the service before its value is released", async () => {
    await stack.setConfig("tokenguard:now", at(5, 10 * DAY));
    await stack.up();
    const out = await stack.outputs({ showSecrets: true });
    issued.push(String(out.value));
    assert.equal(out.generation, 5);
    assert.ok(seen.includes(sha256(String(out.value))), "the service was shown the new token");
    assert.equal(out.hash, sha256(String(out.value)));
    // alert.before 12h: the alarm instant is expiresAt - 12h, after rotatesAt.
    assert.equal(out.alarmAt, at(5, 31 * DAY - 12 * 3600));
    assert.equal((await reportDue(at(5, 10 * DAY))).code, 0);
    await assertNoPlaintextTokens(stack, issued);
  });

  it("a service that refuses the new token stops the rotation, keeps the old one, and trips report --due", async () => {
    accepting = false;
    const before = await stack.outputs({ showSecrets: true });
    await stack.setConfig("tokenguard:now", at(6, DAY + 60)); // past g6's overlap: g5 would go
    const r = await stack.pulumi(["up", "--yes", "--skip-preview"], { allowFail: true });
    assert.notEqual(r.code, 0);
    assert.match(
      r.stdout + r.stderr,
      /tokenguard canary: token "orders-api" generation 6 failed its probe \(GET http:\/\/127\.0\.0\.1:\d+\/healthz\): 401 \(expected 2xx\): token not recognised — after 2 tries/,
    );
    const after = await stack.outputs({ showSecrets: true });
    assert.equal(after.generation, 5, "the new value is not released");
    assert.equal(after.value, before.value);
    const state = await stack.exportState();
    const names = (state.deployment.resources ?? []).map((x) => x.urn.split("::").pop());
    assert.ok(names.includes("orders-api-g5"), `generation 5 is not deleted (${names.join(", ")})`);

    const due = await reportDue(at(6, DAY + 120));
    assert.equal(due.code, 1, JSON.stringify(due.report));
    assert.deepEqual(
      due.report.due.map((d: { name: string }) => d.name),
      ["orders-api"],
    );
    assert.match(due.report.due[0].reasons[0], /^rotation overdue since /);
    assert.equal(due.report.due[0].generation, 5, "judged on the generation in use");
    assert.match(
      due.report.due[0].reasons.at(-1),
      /^generation 6 was issued but never passed its probe; generation 5 is the one in use$/,
    );
    assert.equal(due.report.due[0].windowFrom, "alert.before");
  });

  it("once the service accepts the token, the next up rotates and report --due is quiet", async () => {
    accepting = true;
    await stack.up();
    const out = await stack.outputs({ showSecrets: true });
    issued.push(String(out.value));
    assert.equal(out.generation, 6);
    assert.equal((await reportDue(at(6, DAY + 120))).code, 0);
    await assertNoPlaintextTokens(stack, issued);
  });
});
