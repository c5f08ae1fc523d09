/** The ledger entry as the program declares it (Pulumi mock runtime), and its config. */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { fingerprintOf, keyIdOf } from "../../lib/audit/fingerprint";
import {
  entryOptions,
  LEDGER_ENTRY_TYPE,
  LedgerEntry,
  ledgerEntry,
  ledgerSettings,
} from "../../lib/audit/ledger-entry";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { verifyLedgerText } from "../../lib/audit/chain";
import { ledgerProvider, type LedgerEntryInputs } from "../../lib/audit/provider";
import { promiseOf, registrations, reset } from "../helpers/mocks";
import { LEDGER_KEY, tempDir, tokenValue, URN } from "./fixtures";

const token = (generation: number) => ({
  urn: URN,
  name: "orders-api",
  generation,
  backend: "random",
  scopes: ["orders:read"],
  ttl: "31d",
  expiresAt: "2026-02-01T00:00:00Z",
  owner: "team-orders",
  purpose: "storefront reads orders",
});

async function settle(entry: LedgerEntry): Promise<Record<string, unknown>> {
  await promiseOf(pulumi.all([entry.urn, entry.fingerprint]));
  const reg = registrations.find(
    (r) => r.type === LEDGER_ENTRY_TYPE && r.name === entry_name(entry),
  );
  assert.ok(reg, "the entry was registered");
  return reg.inputs;
}
const names = new WeakMap<LedgerEntry, string>();
const entry_name = (e: LedgerEntry) => names.get(e) as string;

describe("audit/ledger-entry", () => {
  describe("ledgerSettings (config)", () => {
    it("is off unless tokenguard:ledger is set", () => {
      reset({ ledgerKey: LEDGER_KEY });
      assert.equal(ledgerSettings(), undefined);
    });

    it("requires the key once a ledger is set, naming the command that sets it", () => {
      reset({ ledger: "ledger.jsonl" });
      assert.throws(
        () => ledgerSettings(),
        (e: Error) =>
          e instanceof pulumi.RunError &&
          /tokenguard:ledger is set but tokenguard:ledgerKey is not/.test(e.message) &&
          e.message.includes("pulumi config set --secret tokenguard:ledgerKey"),
      );
    });

    it("refuses a short key without echoing it", () => {
      reset({ ledger: "ledger.jsonl", ledgerKey: "hunter2" });
      assert.throws(
        () => ledgerSettings(),
        (e: Error) =>
          /shorter than 32 characters/.test(e.message) && !e.message.includes("hunter2"),
      );
    });

    it("parses file and s3 locations with their options", async () => {
      reset({ ledger: "audit/ledger.jsonl", ledgerKey: LEDGER_KEY });
      const file = ledgerSettings();
      assert.deepEqual(file?.sink, { kind: "file", path: "audit/ledger.jsonl" });
      assert.equal(await pulumi.isSecret(file!.key), true, "the key stays secret");
      reset({
        ledger: "s3://acme-ledger/prod",
        ledgerKey: LEDGER_KEY,
        ledgerRetention: "compliance:400d",
        ledgerEndpoint: "http://127.0.0.1:9000",
        ledgerRegion: "eu-west-1",
      });
      assert.deepEqual(ledgerSettings()?.sink, {
        kind: "s3",
        bucket: "acme-ledger",
        prefix: "prod/",
        region: "eu-west-1",
        endpoint: "http://127.0.0.1:9000",
        retention: { mode: "COMPLIANCE", seconds: 400 * 86_400 },
      });
    });

    const bad: [Record<string, string>, RegExp][] = [
      [{ ledger: "s3://Bad_Bucket/x" }, /tokenguard:ledger: "Bad_Bucket" is not an S3 bucket name/],
      [{ ledger: "gs://b/x" }, /"gs:\/\/" ledgers are not supported/],
      [
        { ledger: "l.jsonl", ledgerRetention: "compliance:400d" },
        /tokenguard:ledgerRetention applies to s3:\/\/ ledgers only/,
      ],
      [
        { ledger: "s3://bucket/x", ledgerRetention: "forever" },
        /tokenguard:ledgerRetention must look like "compliance:400d"/,
      ],
      [
        { ledger: "s3://bucket/x", ledgerRetention: "governance:1y" },
        /tokenguard:ledgerRetention: "1y"/,
      ],
    ];
    for (const [config, message] of bad) {
      it(`refuses ${JSON.stringify(config)}, naming the key`, () => {
        reset({ ledgerKey: LEDGER_KEY, ...config });
        assert.throws(
          () => ledgerSettings(),
          (e: Error) => e instanceof pulumi.RunError && message.test(e.message),
        );
      });
    }
  });

  describe("LedgerEntry", () => {
    beforeEach(() => reset({ ledger: "ledger.jsonl", ledgerKey: LEDGER_KEY }));

    function declare(name: string, g: number, previous?: LedgerEntry) {
      const value = pulumi.secret(tokenValue(`g${g}`));
      const e = ledgerEntry(name, { token: token(g), value, ledger: ledgerSettings()!, previous });
      names.set(e, name);
      return e;
    }

    it("registers a dynamic resource whose inputs carry the fingerprint, never the token or the key", async () => {
      const e = declare("orders-api-ledger-g7", 7);
      const inputs = await settle(e);
      assert.equal(inputs.fingerprint, fingerprintOf(LEDGER_KEY, tokenValue("g7")));
      assert.equal(inputs.keyId, keyIdOf(LEDGER_KEY));
      assert.deepEqual(
        {
          sink: inputs.sink,
          project: inputs.project,
          stack: inputs.stack,
          tokenUrn: inputs.tokenUrn,
          token: inputs.token,
          generation: inputs.generation,
          scopes: inputs.scopes,
          owner: inputs.owner,
        },
        {
          sink: { kind: "file", path: "ledger.jsonl" },
          project: "tgtest",
          stack: "unit",
          tokenUrn: URN,
          token: "orders-api",
          generation: 7,
          scopes: ["orders:read"],
          owner: "team-orders",
        },
      );
      const everything = JSON.stringify(inputs);
      assert.ok(
        !everything.includes(tokenValue("g7")),
        "the token is no input (it would land in state)",
      );
      assert.ok(!everything.includes(LEDGER_KEY), "the key is no input");
      assert.equal(await pulumi.isSecret(e.fingerprint), false, "the fingerprint is not secret");
      assert.match(
        String(inputs.__provider),
        /exports\.handler/,
        "the provider travels with the entry",
      );
    });

    it("end to end under mocks: what the program registers, run through the provider, leaves no token in the ledger", async () => {
      const t = tempDir();
      try {
        const file = path.join(t.dir, "ledger.jsonl");
        reset({ ledger: file, ledgerKey: LEDGER_KEY });
        const inputs = await settle(declare("orders-api-ledger-g9", 9));
        const rest: Record<string, unknown> = { ...inputs };
        delete rest.__provider; // the engine hands the provider its inputs without it
        await ledgerProvider.create!(rest as unknown as LedgerEntryInputs);
        const text = readFileSync(file, "utf8");
        const [record] = verifyLedgerText(text).records;
        assert.equal(record.event, "issued");
        assert.equal(record.fingerprint, fingerprintOf(LEDGER_KEY, tokenValue("g9")));
        assert.ok(!text.includes(tokenValue("g9")), "no token in the ledger");
        assert.ok(!text.includes(LEDGER_KEY), "no key in the ledger");
      } finally {
        t.cleanup();
      }
    });

    it("gate() releases the value only through the entry, and keeps it secret", async () => {
      const e = declare("orders-api-ledger-g8", 8);
      const value = pulumi.secret(tokenValue("g8"));
      const gated = e.gate(value);
      assert.equal(await promiseOf(gated), tokenValue("g8"));
      assert.equal(await pulumi.isSecret(gated), true);
    });

    it("depends on the older generation's entry (`previous`), keeping the caller's options", async () => {
      const older = declare("orders-api-ledger-g7", 7);
      const parent = new pulumi.ComponentResource("test:index:Parent", "p");
      const opts = entryOptions({ parent, protect: false }, older);
      assert.equal(opts.parent, parent);
      assert.deepEqual(opts.dependsOn, [older]);
      assert.deepEqual(entryOptions({ parent }, undefined), { parent });
    });
  });
});
