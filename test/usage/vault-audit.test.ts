import { strict as assert } from "node:assert";
import {
  lineKeys,
  lineTime,
  OPERATION_CAPABILITY,
  parseAuditLine,
} from "../../lib/usage/vault-audit";
import { auditLine, SECRET_IN_BODY, TOKEN_IN_LOG } from "./fixtures";

const base = {
  time: "2026-03-02T10:00:00.123456789Z",
  accessor: "Acc0unt4ccess0rClear001",
  path: "secret/data/ci/app",
  operation: "read",
};

describe("usage: reading Vault audit-log lines", () => {
  it("a response entry becomes a request with path, operation, time, accessor, policies", () => {
    const r = parseAuditLine(auditLine({ ...base, tokenName: "ci", granting: ["tg-policy"] }));
    assert.equal(r.kind, "request");
    if (r.kind !== "request") return;
    assert.deepEqual(r.request, {
      time: Date.parse("2026-03-02T10:00:00Z") / 1000,
      accessor: base.accessor,
      policies: ["tg-policy"],
      tokenName: "ci",
      path: base.path,
      operation: "read",
      allowed: true,
      granting: ["tg-policy"],
    });
  });

  it("keeps nothing of bodies, tokens or errors: only the fields usage reports", () => {
    const r = parseAuditLine(auditLine({ ...base, allowed: false }));
    const text = JSON.stringify(r);
    assert.ok(!text.includes(SECRET_IN_BODY));
    assert.ok(!text.includes(TOKEN_IN_LOG));
    assert.ok(!text.includes("permission denied"));
  });

  it("the request half of a pair is not counted (each request is logged twice)", () => {
    assert.equal(parseAuditLine(auditLine({ ...base, type: "request" })).kind, "other");
  });

  it("denied: from policy_results, and from the error text when Vault did not record results", () => {
    const modern = parseAuditLine(auditLine({ ...base, allowed: false }));
    const legacy = parseAuditLine(auditLine({ ...base, allowed: false, legacy: true }));
    const legacyOk = parseAuditLine(auditLine({ ...base, legacy: true }));
    assert.equal(modern.kind === "request" && modern.request.allowed, false);
    assert.equal(legacy.kind === "request" && legacy.request.allowed, false);
    assert.equal(legacyOk.kind === "request" && legacyOk.request.allowed, true);
  });

  it("an entry without auth (an unauthenticated call) is not a token's request", () => {
    const line = JSON.stringify({
      time: base.time,
      type: "response",
      request: { path: "sys/health", operation: "read" },
    });
    assert.equal(parseAuditLine(line).kind, "other");
  });

  it("lines that are not audit entries are unreadable, never an exception", () => {
    for (const line of [
      "not json",
      "{}",
      "[1,2]",
      '{"type":"response"}',
      '{"time":"x","type":1}',
    ]) {
      assert.equal(parseAuditLine(line).kind, "unreadable", line);
    }
  });

  it("the pre-filter finds the first accessor and the tokenguard name without parsing", () => {
    const line = auditLine({ ...base, accessor: "hmac-sha256:abc", tokenName: "ci" });
    assert.deepEqual(lineKeys(line), { accessor: "hmac-sha256:abc", tokenName: "ci" });
    assert.deepEqual(lineKeys('{"type":"response"}'), {});
    assert.equal(lineTime(line), Date.parse("2026-03-02T10:00:00Z") / 1000);
  });

  it("operations map to the capability Vault's ACL checks (revoke, renew, rollback need update)", () => {
    assert.deepEqual(
      ["read", "list", "create", "update", "patch", "delete", "revoke", "renew", "rollback"].map(
        (op) => OPERATION_CAPABILITY[op],
      ),
      ["read", "list", "create", "update", "patch", "delete", "update", "update", "update"],
    );
    assert.equal(OPERATION_CAPABILITY.help, undefined);
  });
});
