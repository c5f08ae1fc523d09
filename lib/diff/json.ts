/**
 * `tokenguard diff --format json`: the review as a stable document, described by
 * DIFF_JSON_SCHEMA (./json-schema, JSON Schema draft-07) and documented in docs/diff.md. Names, scopes and
 * lifetimes only: nothing from an export that could be a credential.
 */
import * as path from "node:path";
import type { ReviewedChange, ReviewedWidening } from "../rules/approvals";
import type { DiffResult } from "./diff";
import { counts, type Counts } from "./format";

export interface ScopeJson {
  readonly scope: string;
  readonly deny?: true;
  readonly example?: string;
}

export interface DiffJsonWidening {
  readonly kind: "access" | "ttl" | "rotation" | "owner";
  readonly scope?: string;
  readonly deny?: true;
  readonly example?: string;
  readonly field?: string;
  readonly before?: string;
  readonly after?: string;
  readonly approval: {
    readonly by: "policy" | "flag";
    readonly reason: string;
    readonly entry?: number;
  } | null;
}

export interface DiffJsonToken {
  readonly name: string;
  readonly urn: string;
  readonly type: string;
  readonly managed: boolean;
  readonly backend: string;
  readonly change: "added" | "removed" | "changed";
  readonly gained: readonly ScopeJson[];
  readonly lost: readonly ScopeJson[];
  readonly fields: readonly { field: string; before?: string; after?: string; widening?: string }[];
  readonly renumbered?: { readonly before: number; readonly after: number };
  readonly unknown: readonly { readonly field: string; readonly why: string }[];
  readonly widenings: readonly DiffJsonWidening[];
  readonly location?: { readonly file: string; readonly line: number; readonly column: number };
}

export interface DiffJson {
  /** Set, with exit code 2, when the review could not run; then `tokens` is empty. */
  readonly error?: string;
  readonly project?: string;
  readonly stack?: string;
  readonly against?: {
    readonly source: string;
    readonly stack?: string;
    readonly missing: boolean;
  };
  readonly policy?: string;
  readonly summary: Counts;
  readonly tokens: readonly DiffJsonToken[];
}

const scopeItem = (s: { scope: string; deny?: true; example?: string }) => ({
  scope: s.scope,
  ...(s.deny ? { deny: s.deny } : {}),
  ...(s.example !== undefined ? { example: s.example } : {}),
});

function wideningJson(w: ReviewedWidening): DiffJsonWidening {
  const c = w.change;
  return {
    kind: w.kind,
    ...(w.gain ? scopeItem(w.gain) : {}),
    ...(c ? { field: c.field } : {}),
    ...(c?.before !== undefined ? { before: c.before } : {}),
    ...(c?.after !== undefined ? { after: c.after } : {}),
    approval: w.approval
      ? {
          by: w.approval.by,
          reason: w.approval.reason,
          ...(w.approval.entry !== undefined ? { entry: w.approval.entry } : {}),
        }
      : null,
  };
}

function tokenJson(result: DiffResult, c: ReviewedChange, cwd: string): DiffJsonToken {
  const at = result.locations.get(c.urn);
  const rel = at && path.relative(cwd, at.file);
  const file =
    at && rel && !rel.startsWith("..") && !path.isAbsolute(rel)
      ? rel.split(path.sep).join("/")
      : at?.file;
  return {
    name: c.name,
    urn: c.urn,
    type: c.type,
    managed: c.managed,
    backend: c.backend,
    change: c.change,
    gained: c.gained.map(scopeItem),
    lost: c.lost.map(scopeItem),
    fields: c.fields.map(({ field, before, after, widening }) => ({
      field,
      ...(before !== undefined ? { before } : {}),
      ...(after !== undefined ? { after } : {}),
      ...(widening ? { widening } : {}),
    })),
    ...(c.renumbered ? { renumbered: c.renumbered } : {}),
    unknown: c.unknown.map(({ field, why }) => ({ field, why })),
    widenings: c.widenings.map(wideningJson),
    ...(at && file ? { location: { file, line: at.line, column: at.column } } : {}),
  };
}

export function toJson(result: DiffResult, cwd = process.cwd()): DiffJson {
  return {
    project: result.project,
    stack: result.stack,
    against: result.against,
    policy: result.policy,
    summary: counts(result),
    tokens: result.changes.map((c) => tokenJson(result, c, cwd)),
  };
}

/** The document of a review that could not run (exit 2). */
export function failedJson(message: string): DiffJson {
  const summary = { added: 0, removed: 0, changed: 0, unchanged: 0, widenings: 0, unapproved: 0 };
  return { error: message, summary, tokens: [] };
}
