/** JSON Schema of `tokenguard diff --format json` (./json); docs/diff.md documents the same shape. */
const count = { type: "integer", minimum: 0 } as const;
const text = { type: "string" } as const;
const scopeChange = {
  type: "object",
  additionalProperties: false,
  required: ["scope"],
  properties: {
    scope: { type: "string", minLength: 1 },
    deny: { const: true },
    example: {
      type: "string",
      description:
        "A Vault path where the change shows, when the scope's own block looks unchanged.",
    },
  },
} as const;

/** JSON Schema (draft-07) of `tokenguard diff --format json`, for consumers that validate it. */
export const DIFF_JSON_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "tokenguard diff --format json",
  type: "object",
  additionalProperties: false,
  required: ["summary", "tokens"],
  properties: {
    error: {
      type: "string",
      description: "Present only when the review could not run (exit 2); tokens is then empty.",
    },
    project: { ...text, description: "The Pulumi project (Pulumi.yaml name)." },
    stack: { ...text, description: "The stack whose config the program ran with." },
    against: {
      type: "object",
      additionalProperties: false,
      required: ["source", "missing"],
      properties: {
        source: {
          ...text,
          description:
            'The export read: a file, "<stdin>", or the pulumi stack export command run.',
        },
        stack: { ...text, description: "The stack the export is of." },
        missing: { type: "boolean", description: "The stack does not exist: every token is new." },
      },
    },
    policy: { ...text, description: "The policy file approvals were read from." },
    summary: {
      type: "object",
      additionalProperties: false,
      required: ["added", "removed", "changed", "unchanged", "widenings", "unapproved"],
      properties: {
        added: count,
        removed: count,
        changed: count,
        unchanged: count,
        widenings: count,
        unapproved: { ...count, description: "Widenings nothing approved: exit 1 when above 0." },
      },
    },
    tokens: { type: "array", items: { $ref: "#/definitions/token" } },
  },
  definitions: {
    token: {
      type: "object",
      additionalProperties: false,
      required: [
        "name",
        "urn",
        "type",
        "managed",
        "backend",
        "change",
        "gained",
        "lost",
        "fields",
        "unknown",
        "widenings",
      ],
      properties: {
        name: { type: "string", minLength: 1 },
        urn: { type: "string", pattern: "^urn:pulumi:" },
        type: text,
        managed: { type: "boolean", description: "A ScopedToken (true) or a raw token resource." },
        backend: text,
        change: { enum: ["added", "removed", "changed"] },
        gained: { type: "array", items: scopeChange },
        lost: { type: "array", items: scopeChange },
        fields: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["field"],
            properties: {
              field: text,
              before: text,
              after: text,
              widening: { enum: ["ttl", "rotation", "owner"] },
            },
          },
        },
        renumbered: {
          type: "object",
          additionalProperties: false,
          required: ["before", "after"],
          properties: { before: { type: "integer" }, after: { type: "integer" } },
        },
        unknown: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["field", "why"],
            properties: { field: text, why: text },
          },
        },
        widenings: { type: "array", items: { $ref: "#/definitions/widening" } },
        location: {
          type: "object",
          additionalProperties: false,
          required: ["file", "line", "column"],
          properties: {
            file: text,
            line: { type: "integer", minimum: 1 },
            column: { type: "integer", minimum: 0 },
          },
        },
      },
    },
    widening: {
      type: "object",
      additionalProperties: false,
      required: ["kind", "approval"],
      properties: {
        kind: { enum: ["access", "ttl", "rotation", "owner"] },
        scope: text,
        deny: { const: true },
        example: text,
        field: text,
        before: text,
        after: text,
        approval: {
          oneOf: [
            { type: "null" },
            {
              type: "object",
              additionalProperties: false,
              required: ["by", "reason"],
              properties: {
                by: { enum: ["policy", "flag"] },
                reason: { type: "string", minLength: 1 },
                entry: { type: "integer", minimum: 0 },
              },
            },
          ],
        },
      },
    },
  },
} as const;
