/** Shared test data for the ledger: facts, bodies, whole ledgers, temp dirs. */
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fingerprintOf, keyIdOf } from "../../lib/audit/fingerprint";
import {
  EMPTY_HEAD,
  RECORD_VERSION,
  sealRecord,
  serializeRecord,
  type LedgerRecord,
  type RecordBody,
} from "../../lib/audit/record";
import type { LedgerEntryInputs } from "../../lib/audit/provider";
import type { CredentialFacts } from "../../lib/audit/state";
import type { SinkSpec } from "../../lib/audit/sinks";

/** A ledger key for tests (not a secret of anything real). */
export const LEDGER_KEY = "test-ledger-key-0123456789abcdef-0123456789";

/** A token value as a backend would produce it; tests check it never lands anywhere. */
export function tokenValue(label: string): string {
  return `tg_SECRET${Buffer.from(`value of ${label}`).toString("base64url")}`;
}

export const URN = "urn:pulumi:unit::tgtest::tokenguard:index:ScopedToken::orders-api";

export function facts(over: Partial<CredentialFacts> = {}): CredentialFacts {
  return {
    project: "tgtest",
    stack: "unit",
    tokenUrn: URN,
    token: "orders-api",
    entry: "0123456789abcdef",
    generation: 7,
    backend: "random",
    scopes: ["orders:read", "orders:list"],
    ttl: "31d",
    expiresAt: "2026-02-01T00:00:00Z",
    owner: "team-orders",
    purpose: "storefront reads orders",
    fingerprint: fingerprintOf(LEDGER_KEY, tokenValue("g7")),
    keyId: keyIdOf(LEDGER_KEY),
    ...over,
  };
}

/** Entry inputs for generation `g` of a token, as the program would pass them. */
export function entryInputs(
  sink: SinkSpec,
  g: number,
  over: Partial<LedgerEntryInputs> = {},
): LedgerEntryInputs {
  const { entry: _entry, ...rest } = facts({
    generation: g,
    expiresAt: new Date(Date.UTC(2026, 0, 1) + g * 30 * 86_400_000).toISOString(),
    fingerprint: fingerprintOf(LEDGER_KEY, tokenValue(`g${g}`)),
  });
  void _entry;
  return { sink, ...rest, ...over };
}

const EVENTS = ["issued", "rotated-in", "amended", "retired", "revoked"] as const;

/** A varied but deterministic record body number `i`. */
export function bodyAt(i: number): RecordBody {
  const g = i % 5;
  return {
    v: RECORD_VERSION,
    time: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
    event: EVENTS[i % EVENTS.length],
    actor: { name: `user${i % 3}`, source: "local" },
    ...facts({
      token: `token-${i % 4}`,
      tokenUrn: `${URN}-${i % 4}`,
      generation: g,
      entry: (i * 7919).toString(16).padStart(16, "0").slice(-16),
      fingerprint: fingerprintOf(LEDGER_KEY, tokenValue(`r${i}`)),
      owner: i % 2 ? "team-orders" : "team-billing",
    }),
    scopes: ["orders:read", "orders:list"],
  };
}

/** A chained ledger of `n` records. */
export function buildLedger(n: number): LedgerRecord[] {
  const out: LedgerRecord[] = [];
  for (let i = 0; i < n; i++) out.push(sealRecord(bodyAt(i), out[i - 1] ?? EMPTY_HEAD));
  return out;
}

/** The JSONL text of records. */
export function ledgerText(records: readonly LedgerRecord[]): string {
  return records.map((r) => `${serializeRecord(r)}\n`).join("");
}

/** A fresh temp directory, removed by the returned function. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tg-ledger-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
