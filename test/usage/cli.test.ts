/**
 * `tokenguard usage` end to end in-process: a stack export and audit logs in the format Vault writes
 * (fixtures.ts), every output format, the exit codes, and nothing secret in any output.
 */
import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { USAGE_JSON_SCHEMA } from "../../lib/usage/json-schema";
import type { UsageReport } from "../../lib/usage/model";
import { runCli, tempDir } from "../helpers/cli";
import {
  auditLine,
  SECRET_IN_BODY,
  stackExport,
  TOKEN_IN_LOG,
  vaultScopedToken,
  type LineSpec,
} from "./fixtures";

const ACCESSOR = "Ci0Generation4Accessor01";
const RETIRED = "Ci0Generation2Accessor99";
const SCOPES = [
  "secret/data/ci/*:read",
  "secret/metadata/ci/*:list",
  "secret/data/shared/*:read,update",
];
const validate = addFormats(new Ajv({ strict: true, allErrors: true })).compile(USAGE_JSON_SCHEMA);

const line = (time: string, p: string, operation: string, extra: Partial<LineSpec> = {}) =>
  auditLine({
    time,
    accessor: ACCESSOR,
    path: p,
    operation,
    tokenName: "ci",
    granting: ["tg-policy"],
    ...extra,
  });

/** Log from 2026-01-01: ci reads and lists, one denied read, one older use of shared (before the window). */
const LOG = [
  line("2026-01-01T00:00:00Z", "sys/health", "read", {
    accessor: "SomeoneElse000000000000",
    tokenName: undefined,
  }),
  line("2026-01-20T08:00:00Z", "secret/data/shared/x", "read"),
  line("2026-03-01T10:00:00Z", "secret/data/ci/app", "read"),
  line("2026-03-01T10:00:01Z", "secret/data/ci/app", "read", { type: "request" }),
  line("2026-03-02T10:00:00Z", "secret/data/ci/app", "read"),
  line("2026-03-02T11:00:00Z", "secret/metadata/ci/", "list"),
  line("2026-03-03T09:00:00Z", "secret/data/prod/db", "read", { allowed: false }),
  line("2026-03-03T09:30:00Z", "sys/internal/ui/mounts/secret/ci", "read", { granting: [] }),
];

describe("tokenguard usage (CLI)", () => {
  let dir: string;
  let cleanup: () => void;
  const write = (name: string, text: string | Buffer) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  let exportFile: string;

  before(() => {
    ({ dir, cleanup } = tempDir("usage"));
    exportFile = write(
      "export.json",
      stackExport(
        vaultScopedToken({
          name: "ci",
          scopes: SCOPES,
          accessors: [ACCESSOR],
          created: "2025-12-01T00:00:00Z",
        }),
      ),
    );
  });
  after(() => cleanup());

  const usage = (...args: string[]) =>
    runCli(["usage", "--stack-export", exportFile, "--now", "2026-03-10T00:00:00Z", ...args]);

  it("reports used, unused and denied scopes, proposes the narrower declaration, exits 1", async () => {
    const log = write("audit.log", `${LOG.join("\n")}\n`);
    const r = await usage("--vault-audit", log, "--since", "30d", "--format", "json");
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as UsageReport;
    assert.ok(validate(report), JSON.stringify(validate.errors));
    const [ci] = report.tokens;
    assert.deepEqual(
      ci.scopes.map((s) => [s.scope, s.status, s.count]),
      [
        ["secret/data/ci/*:read", "used", 2],
        ["secret/metadata/ci/*:list", "used", 1],
        ["secret/data/shared/*:read,update", "unused", 0],
      ],
    );
    assert.equal(
      ci.scopes[2].lastUsed,
      "2026-01-20T08:00:00Z",
      "the last use before the window is shown",
    );
    assert.deepEqual(ci.unusedScopes, ["secret/data/shared/*:read,update"]);
    assert.deepEqual(ci.denied, [
      {
        path: "secret/data/prod/db",
        operation: "read",
        count: 1,
        lastSeen: "2026-03-03T09:00:00Z",
        needs: "secret/data/prod/db:read",
      },
    ]);
    assert.deepEqual(ci.proposed, ["secret/data/ci/app:read", "secret/metadata/ci/:list"]);
    assert.equal(ci.judged, true);
    assert.deepEqual(ci.matched, { accessor: 6, policy: 0 });
    assert.equal(report.summary.withUnused, 1);
  });

  it("text and markdown say the same, and no output holds a token, a body value or an accessor", async () => {
    const log = write("audit2.log", `${LOG.join("\n")}\n`);
    for (const format of ["text", "markdown", "json"]) {
      const r = await usage("--vault-audit", log, "--since", "30d", "--format", format);
      assert.equal(r.code, 1, r.stderr);
      for (const secret of [TOKEN_IN_LOG, SECRET_IN_BODY, ACCESSOR, "hmac-sha256"]) {
        assert.ok(
          !(r.stdout + r.stderr).includes(secret),
          `${format} output holds ${secret.slice(0, 6)}…`,
        );
      }
      if (format !== "json") {
        assert.match(r.stdout, /secret\/data\/shared\/\*:read,update/);
        assert.match(r.stdout, /secret\/data\/prod\/db:read/);
        assert.match(r.stdout, /"secret\/data\/ci\/app:read",\n\s*"secret\/metadata\/ci\/:list",/);
      }
    }
  });

  it("evidence shorter than the window: unused scopes listed, not judged, exit 0", async () => {
    const log = write("short.log", `${LOG.slice(2).join("\n")}\n`);
    const r = await usage("--vault-audit", log, "--since", "90d", "--format", "json");
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as UsageReport;
    assert.equal(report.tokens[0].judged, false);
    assert.equal(report.tokens[0].evidenceFrom, "2026-03-01T10:00:00Z");
    assert.deepEqual(report.tokens[0].unusedScopes, ["secret/data/shared/*:read,update"]);
    const md = await usage("--vault-audit", log, "--since", "90d", "--format", "markdown");
    assert.match(md.stdout, /^### tokenguard usage: 1 token\(s\) with scopes unused so far/);
    assert.match(md.stdout, /> the evidence starts at 2026-03-01T10:00:00Z/);
  });

  it("reads gzip'd logs, and matches retired generations by the token's own policy and name", async () => {
    const retired = LOG.map((l) => l.split(ACCESSOR).join(RETIRED));
    const log = write("audit.log.gz", gzipSync(`${retired.join("\n")}\n`));
    const r = await usage("--vault-audit", log, "--since", "30d", "--format", "json");
    const report = JSON.parse(r.stdout) as UsageReport;
    assert.deepEqual(report.tokens[0].matched, { accessor: 0, policy: 6 });
    assert.deepEqual(report.tokens[0].proposed, [
      "secret/data/ci/app:read",
      "secret/metadata/ci/:list",
    ]);
    assert.equal(report.sources[0].accessors, "clear");
  });

  it("an HMAC'd log without VAULT_ADDR/VAULT_TOKEN: says so, matches by policy and name", async () => {
    // As a device with the default hmac_accessor writes it: every accessor HMAC'd.
    const hashed = LOG.map((l) => l.replace(/ccessor":"[^"]+"/g, 'ccessor":"hmac-sha256:0f0f"'));
    const log = write("hashed.log", `${hashed.join("\n")}\n`);
    const saved = { addr: process.env.VAULT_ADDR, token: process.env.VAULT_TOKEN };
    delete process.env.VAULT_ADDR;
    delete process.env.VAULT_TOKEN;
    try {
      const r = await usage("--vault-audit", log, "--since", "30d", "--format", "json");
      const report = JSON.parse(r.stdout) as UsageReport;
      assert.equal(report.sources[0].accessors, "hmac");
      assert.match(report.sources[0].hashing ?? "", /VAULT_ADDR\/VAULT_TOKEN are not set/);
      assert.equal(report.tokens[0].matched?.policy, 6);
    } finally {
      if (saved.addr !== undefined) process.env.VAULT_ADDR = saved.addr;
      if (saved.token !== undefined) process.env.VAULT_TOKEN = saved.token;
    }
  });

  it("a raw vault token: a policy is used when it granted a request", async () => {
    const raw = {
      urn: "urn:pulumi:dev::proj::vault:index/token:Token::deploy-token",
      type: "vault:index/token:Token",
      id: "RawTokenAccessor00000001",
      inputs: { policies: ["deploy", "legacy-admin"] },
    };
    const file = write("raw.json", stackExport([raw]));
    const log = write(
      "raw.log",
      [
        auditLine({
          time: "2026-01-01T00:00:00Z",
          accessor: "x",
          path: "sys/health",
          operation: "read",
        }),
        auditLine({
          time: "2026-03-05T00:00:00Z",
          accessor: raw.id,
          path: "kv/data/app",
          operation: "read",
          granting: ["deploy"],
        }),
      ].join("\n"),
    );
    const r = await runCli([
      "usage",
      "--stack-export",
      file,
      "--vault-audit",
      log,
      "--since",
      "30d",
      "--now",
      "2026-03-10T00:00:00Z",
      "--format",
      "json",
    ]);
    assert.equal(r.code, 1, r.stderr);
    const t = (JSON.parse(r.stdout) as UsageReport).tokens[0];
    assert.equal(t.managed, false);
    assert.deepEqual(
      t.scopes.map((s) => [s.scope, s.status]),
      [
        ["deploy", "used"],
        ["legacy-admin", "unused"],
      ],
    );
    assert.deepEqual(t.proposed, ["deploy"]);
  });

  it("progress on stderr only when stderr is a terminal, and never on stdout", async () => {
    const log = write("progress.log", `${LOG.join("\n")}\n`);
    const quiet = await usage("--vault-audit", log, "--format", "json");
    assert.equal(quiet.stderr, "");
    const was = process.stderr.isTTY;
    process.stderr.isTTY = true;
    try {
      const shown = await usage("--vault-audit", log, "--format", "json");
      assert.match(shown.stderr, /reading .*progress\.log: 100%/);
      assert.doesNotThrow(() => JSON.parse(shown.stdout));
    } finally {
      process.stderr.isTTY = was;
    }
  });

  it("tokens without a source are listed as not measured, with why; exit 0", async () => {
    const r = await usage("--format", "json");
    assert.equal(r.code, 0, r.stderr);
    const t = (JSON.parse(r.stdout) as UsageReport).tokens[0];
    assert.equal(t.source, undefined);
    assert.match(t.reason ?? "", /--vault-audit/);
  });

  it("errors exit 2 with one line naming the fix", async () => {
    const notLog = write("notes.txt", "hello\n");
    const cases: [string[], RegExp][] = [
      [["--vault-audit", notLog], /is not a Vault audit log/],
      [["--vault-audit", path.join(dir, "missing.log")], /cannot read the audit log/],
      [["--since", "3 months"], /--since: .*is not a duration/],
      [["--since", "2027-01-01T00:00:00Z"], /after now/],
      [["--format", "yaml"], /--format must be one of text, json, markdown/],
    ];
    for (const [args, message] of cases) {
      const r = await usage(...args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.ok(!r.stderr.includes("    at "), "no stack trace");
    }
  });
});
