/**
 * Generates docs/arguments.md from the TSDoc of lib/scoped-token-args.ts, so the reference never
 * drifts from the types: `npm run docs` writes it, test/docs.test.ts fails when it is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "..");
export const SOURCE = path.join(ROOT, "lib/scoped-token-args.ts");
/** The `verify` and `alert` types, documented with the rest. */
export const CANARY_SOURCE = path.join(ROOT, "lib/scoped-token-canary-args.ts");

/** Both sources as one text (a module's imports may stand anywhere at its top level). */
const sources = () => `${readFileSync(SOURCE, "utf8")}\n${readFileSync(CANARY_SOURCE, "utf8")}`;
export const TARGET = path.join(ROOT, "docs/arguments.md");

/** The interfaces documented, in order, with the heading each gets and the field prefix users write. */
const SECTIONS: readonly { name: string; title: string; prefix: string }[] = [
  { name: "ScopedTokenCommonArgs", title: "Every backend", prefix: "" },
  { name: "RotationArgs", title: "`rotation`", prefix: "rotation." },
  { name: "AlertArgs", title: "`alert` (see docs/rotation.md)", prefix: "alert." },
  {
    name: "ProbeArgs",
    title: "`verify` bounds (every backend's probe; see docs/rotation.md)",
    prefix: "verify.",
  },
  { name: "VaultScopedTokenArgs", title: '`backend: "vault"`', prefix: "" },
  { name: "VaultBackendArgs", title: "`vault` options", prefix: "vault." },
  { name: "VaultVerifyArgs", title: "`verify` (vault; also the bounds)", prefix: "verify." },
  { name: "RandomScopedTokenArgs", title: '`backend: "random"`', prefix: "" },
  { name: "RandomBackendArgs", title: "`random` options", prefix: "random." },
  {
    name: "HttpVerifyArgs",
    title: "`verify` (random and aws-secret; also the bounds)",
    prefix: "verify.",
  },
  { name: "AwsIamScopedTokenArgs", title: '`backend: "aws-iam"`', prefix: "" },
  { name: "AwsIamBackendArgs", title: "`aws` options (aws-iam)", prefix: "aws." },
  { name: "AwsSecretScopedTokenArgs", title: '`backend: "aws-secret"`', prefix: "" },
  {
    name: "AwsSecretBackendArgs",
    title: "`aws` options (aws-secret; also `bytes` and `prefix` as for random)",
    prefix: "aws.",
  },
];

interface Field {
  readonly name: string;
  readonly type: string;
  readonly optional: boolean;
  readonly doc: string;
  readonly tags: Readonly<Record<string, string>>;
}

export function fieldsOf(decl: ts.InterfaceDeclaration, source: ts.SourceFile): Field[] {
  return decl.members.filter(ts.isPropertySignature).map((member) => {
    const docs = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc);
    const doc = docs
      .map((d) => ts.getTextOfJSDocComment(d.comment) ?? "")
      .join(" ")
      .replace(/\s+/g, " ")
      .trim();
    const tags: Record<string, string> = {};
    for (const tag of docs.flatMap((d) => d.tags ?? [])) {
      tags[tag.tagName.text] = (ts.getTextOfJSDocComment(tag.comment) ?? "")
        .replace(/\s+/g, " ")
        .trim();
    }
    return {
      name: member.name.getText(source),
      type: member.type ? member.type.getText(source).replace(/\s+/g, " ") : "unknown",
      optional: member.questionToken !== undefined,
      doc,
      tags,
    };
  });
}

const cell = (text: string) =>
  text.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const code = (text: string) =>
  text.includes("`") ? `<code>${cell(text)}</code>` : `\`${text.replace(/\|/g, "\\|")}\``;

/** The field names of each documented interface, by interface name. */
export function interfaceFields(sourceText: string = sources()): Map<string, string[]> {
  const source = ts.createSourceFile(SOURCE, sourceText, ts.ScriptTarget.ES2022, true);
  return new Map(
    source.statements
      .filter(ts.isInterfaceDeclaration)
      .map((d) => [d.name.text, fieldsOf(d, source).map((f) => f.name)]),
  );
}

/** The whole reference page, as text. */
export function argumentsDoc(sourceText: string = sources()): string {
  const source = ts.createSourceFile(SOURCE, sourceText, ts.ScriptTarget.ES2022, true);
  const interfaces = new Map(
    source.statements.filter(ts.isInterfaceDeclaration).map((d) => [d.name.text, d]),
  );
  const out = [
    "# ScopedToken arguments",
    "",
    "<!-- Generated from the TSDoc of lib/scoped-token-args.ts by `npm run docs`; edit the comments there. -->",
    "",
    "```ts",
    "new ScopedToken(name: string, args: ScopedTokenArgs, opts?: pulumi.ComponentResourceOptions)",
    "```",
    "",
    "Every field is checked when the component is constructed: an unknown or misspelt field is refused",
    "(with the closest known name), never ignored. `backend`, `scopes`, `ttl`, `rotation` and `owner` are",
    "plain values, not `Input<T>`, so the policy pack can judge them at preview.",
  ];
  for (const section of SECTIONS) {
    const decl = interfaces.get(section.name);
    if (!decl) throw new Error(`lib/scoped-token-args.ts has no interface ${section.name}`);
    out.push(
      "",
      `## ${section.title}`,
      "",
      "| field | type | required | meaning | default / example |",
      "|---|---|---|---|---|",
    );
    for (const f of fieldsOf(decl, source)) {
      const hint = [
        f.tags.default ? `default: ${f.tags.default}` : "",
        f.tags.example ? `e.g. ${code(f.tags.example)}` : "",
      ]
        .filter(Boolean)
        .join("; ");
      out.push(
        `| \`${section.prefix}${f.name}\` | ${code(f.type)} | ${f.optional ? "no" : "yes"} | ${cell(f.doc)} | ${cell(hint)} |`,
      );
    }
  }
  return `${out.join("\n")}\n`;
}

if (require.main === module) {
  writeFileSync(TARGET, argumentsDoc());
  process.stdout.write(`wrote ${path.relative(ROOT, TARGET)}\n`);
}
