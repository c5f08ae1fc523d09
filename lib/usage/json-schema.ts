/**
 * The JSON Schema (draft-07) of `tokenguard usage --format json` (lib/usage/model.ts). Version 1:
 * fields may be added; none is removed or changes meaning without a new `version`.
 */
const time = { type: "string", format: "date-time" } as const;
const str = { type: "string" } as const;
const count = { type: ["integer", "null"], minimum: 0 } as const;

const useEntry = {
  type: "object",
  additionalProperties: false,
  required: ["what", "count", "lastUsed"],
  properties: {
    what: str,
    count,
    lastUsed: time,
    granularity: { enum: ["action", "service"] },
  },
} as const;

const scopeUsage = {
  type: "object",
  additionalProperties: false,
  required: ["scope", "status", "used", "unused", "count"],
  properties: {
    scope: str,
    status: { enum: ["used", "partly-used", "unused"] },
    used: { type: "array", items: useEntry },
    unused: { type: "array", items: str },
    lastUsed: time,
    count,
    note: str,
  },
} as const;

const denied = {
  type: "object",
  additionalProperties: false,
  required: ["path", "operation", "count", "lastSeen"],
  properties: {
    path: str,
    operation: str,
    count: { type: "integer", minimum: 1 },
    lastSeen: time,
    needs: str,
  },
} as const;

const awsStatement = {
  type: "object",
  required: ["actions", "resources"],
  properties: {
    actions: { type: "array", items: str, minItems: 1 },
    resources: { type: "array", items: str, minItems: 1 },
    conditions: { type: "object" },
  },
} as const;

const token = {
  type: "object",
  additionalProperties: false,
  required: [
    "urn",
    "name",
    "type",
    "backend",
    "managed",
    "judged",
    "scopes",
    "unusedScopes",
    "denied",
    "changed",
  ],
  properties: {
    urn: str,
    name: str,
    type: str,
    backend: str,
    managed: { type: "boolean" },
    source: { enum: ["vault-audit", "aws-iam"] },
    reason: str,
    evidenceFrom: time,
    judged: { type: "boolean" },
    matched: {
      type: "object",
      additionalProperties: false,
      required: ["accessor", "policy"],
      properties: {
        accessor: { type: "integer", minimum: 0 },
        policy: { type: "integer", minimum: 0 },
      },
    },
    scopes: { type: "array", items: scopeUsage },
    unusedScopes: { type: "array", items: str },
    denied: { type: "array", items: denied },
    deniedOmitted: { type: "integer", minimum: 1 },
    proposed: { type: "array", items: { anyOf: [str, awsStatement] } },
    changed: { type: "boolean" },
  },
} as const;

const source = {
  type: "object",
  additionalProperties: false,
  required: ["kind"],
  properties: {
    kind: { enum: ["vault-audit", "aws-iam"] },
    file: str,
    accessors: { enum: ["clear", "hmac", "none"] },
    hashing: str,
    lines: { type: "integer", minimum: 0 },
    requests: { type: "integer", minimum: 0 },
    matched: { type: "integer", minimum: 0 },
    unreadable: { type: "integer", minimum: 0 },
    from: time,
    to: time,
    note: str,
  },
} as const;

/** The schema of a usage report. */
export const USAGE_JSON_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "tokenguard usage report",
  type: "object",
  additionalProperties: false,
  required: ["version", "now", "since", "windowStart", "sources", "tokens", "summary"],
  properties: {
    version: { const: 1 },
    project: str,
    stack: str,
    now: time,
    since: str,
    windowStart: time,
    sources: { type: "array", items: source },
    tokens: { type: "array", items: token },
    summary: {
      type: "object",
      additionalProperties: false,
      required: ["tokens", "measured", "withUnused", "denied"],
      properties: {
        tokens: { type: "integer", minimum: 0 },
        measured: { type: "integer", minimum: 0 },
        withUnused: { type: "integer", minimum: 0 },
        denied: { type: "integer", minimum: 0 },
      },
    },
  },
} as const;
