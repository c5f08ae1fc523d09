/**
 * A synthetic Vault audit log for the usage benchmark: request/response pairs in the shape Vault's
 * file device writes (test/usage/fixtures.ts), most of them by tokens nobody watches, a fixed share
 * by the watched ScopedTokens' accessors. Deterministic for a given size and seed.
 */
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { auditLine } from "../../test/usage/fixtures";

export interface GeneratedLog {
  readonly lines: number;
  readonly bytes: number;
  /** Response lines made by watched accessors (what usage must count). */
  readonly watchedResponses: number;
}

/** The watched tokens' accessors (one per ScopedToken in the bench's export). */
export const watchedAccessors = (tokens: number): string[] =>
  Array.from({ length: tokens }, (_, i) => `BenchWatched${String(i).padStart(12, "0")}`);

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes about `megabytes` MB of audit log to `file`; `share` of requests are by watched tokens. */
export async function generateAuditLog(
  file: string,
  megabytes: number,
  opts: { tokens?: number; share?: number; seed?: number } = {},
): Promise<GeneratedLog> {
  const watched = watchedAccessors(opts.tokens ?? 20);
  const share = opts.share ?? 0.02;
  const random = rng(opts.seed ?? 7);
  const out = createWriteStream(file);
  const target = megabytes * 1024 * 1024;
  let bytes = 0;
  let lines = 0;
  let watchedResponses = 0;
  const start = Date.parse("2026-01-01T00:00:00Z");
  for (let i = 0; bytes < target; i++) {
    const mine = random() < share;
    const accessor = mine
      ? watched[Math.floor(random() * watched.length)]
      : `Other${String(Math.floor(random() * 50_000)).padStart(19, "0")}`;
    const spec = {
      time: new Date(start + i * 1000).toISOString(),
      accessor,
      path: `secret/data/team-${Math.floor(random() * 40)}/app-${Math.floor(random() * 300)}`,
      operation: random() < 0.8 ? "read" : "list",
      tokenName: mine ? `bench-${watched.indexOf(accessor)}` : "other-service",
      policies: mine ? [`bench-policy-${watched.indexOf(accessor)}`] : ["default", "apps"],
      granting: mine ? [`bench-policy-${watched.indexOf(accessor)}`] : ["apps"],
    };
    for (const type of ["request", "response"] as const) {
      const text = `${auditLine({ ...spec, type })}\n`;
      bytes += Buffer.byteLength(text);
      lines++;
      if (!out.write(text)) await once(out, "drain");
    }
    if (mine) watchedResponses++;
  }
  out.end();
  await once(out, "finish");
  return { lines, bytes, watchedResponses };
}
