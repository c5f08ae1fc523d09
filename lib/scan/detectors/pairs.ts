/**
 * Split name/value pairs: an environment variable written as two fields of one block, the name on
 * one line and the value on another — Kubernetes `env:` lists (`- name: API_TOKEN` /
 * `value: …`), Terraform `env { name = … value = … }` blocks, ECS container definitions
 * (`{"name": "DB_PASSWORD", "value": "…"}`), CloudFormation `Environment` (`- Name:` /
 * `Value:`). The value is reported when the `name` field of the same block is credential-like
 * and the value itself is a literal that passes the generic rule's noise checks.
 */
import { credentialKind, plausibleSecret } from "../noise";
import { CODE_FILE, type Detector, type MatchContext } from "./kit";

/** Where an unquoted `value` is an expression: code, and Terraform / HCL (`value = var.x`). */
const expressionFile = (file: string) => CODE_FILE.test(file) || /\.(?:tf|hcl)$/i.test(file);

/** Markup, where name="…" and value="…" are attributes of a form field, not a pair. */
const MARKUP_FILE =
  /\.(?:html?|xhtml|vue|svelte|[jt]sx|erb|ejs|hbs|jsp|cshtml|razor|php|twig|liquid)$/i;

/**
 * A `name` field whose whole value is one identifier or parameter path: name = "X",
 * "name": "X", - name: X, name = "/prod/db/password".
 */
const NAME_FIELD =
  /(?<![A-Za-z0-9_$.-])(["']?)[nN]ame\1[ \t]*[:=][ \t]*(["']?)([A-Za-z_/][A-Za-z0-9_./:-]*)\2(?=[ \t]*(?:[,;}\]]|#|\/\/|$))/g;

/** How many lines (comments and blank lines aside) the name may stand from its value. */
const REACH = 4;

const lineAt = (content: string, at: number) => {
  const start = content.lastIndexOf("\n", at - 1) + 1;
  const end = content.indexOf("\n", at);
  return { start, end: end === -1 ? content.length : end };
};

const isFiller = (line: string) => /^\s*(?:$|#|\/\/)/.test(line);

/**
 * The block's other lines, each with its start offset: up to REACH lines above and below, not
 * past a line that ends the previous block or opens the next (`{`, `}`, `[`, `]`) or starts
 * another YAML list item. The line opening this block (`{`, `- `) is included.
 */
function blockLines(content: string, at: number): { text: string; start: number }[] {
  const own = lineAt(content, at);
  const out: { text: string; start: number }[] = [];
  let line = own;
  for (let n = 0; n < REACH && line.start > 0;) {
    line = lineAt(content, line.start - 1);
    const text = content.slice(line.start, line.end);
    if (/[}\]]/.test(text)) break;
    out.push({ text, start: line.start });
    if (/[{[]|^\s*-\s/.test(text)) break;
    if (!isFiller(text)) n++;
  }
  line = own;
  for (let n = 0; n < REACH && line.end < content.length;) {
    line = lineAt(content, line.end + 1);
    const text = content.slice(line.start, line.end);
    if (/[{[]|^\s*-\s/.test(text)) break;
    out.push({ text, start: line.start });
    if (/[}\]]/.test(text)) break;
    if (!isFiller(text)) n++;
  }
  return out;
}

/** The value's own block on its line: between the nearest `{` before it and `}` after it. */
function ownSegment(content: string, ctx: MatchContext): { text: string; closed: boolean } {
  const { start, end } = lineAt(content, ctx.matchStart);
  // Searched within the line only: a file with no brace must not be scanned again per match.
  const line = content.slice(start, end);
  const open = line.lastIndexOf("{", ctx.matchStart - start);
  const closeAt = line.indexOf("}", ctx.end - start);
  const from = open === -1 ? 0 : open;
  const to = closeAt === -1 ? line.length : closeAt;
  return { text: line.slice(from, to), closed: open !== -1 && closeAt !== -1 };
}

/** The credential kind named by the `name` field of the value's block (one field, no more). */
function siblingKind(ctx: MatchContext) {
  const names: string[] = [];
  const collect = (text: string, column?: number) => {
    for (const m of text.matchAll(NAME_FIELD))
      if (column === undefined || m.index === column) names.push(m[3]);
  };
  const own = ownSegment(ctx.content, ctx);
  collect(own.text);
  if (!own.closed) {
    const column = ctx.matchStart - lineAt(ctx.content, ctx.matchStart).start;
    for (const line of blockLines(ctx.content, ctx.matchStart)) {
      // A sibling field starts in the value's column ("- name:" counts from "name").
      collect(line.text, column);
    }
  }
  return names.length === 1 ? credentialKind(names[0]) : undefined;
}

function pairValue(value: string, quoted: boolean): Detector {
  return {
    pattern: new RegExp(
      `(?<![A-Za-z0-9_$.-])(?<vq>["']?)[vV]alue\\k<vq>[ \\t]*${quoted ? "[:=]" : ":"}[ \\t]*${value}`,
      "gm",
    ),
    keywords: ["value"],
    validate: (secret, ctx) => {
      if (!quoted && expressionFile(ctx.file)) return false;
      if (
        MARKUP_FILE.test(ctx.file) ||
        ctx.content.slice(lineAt(ctx.content, ctx.matchStart).start, ctx.matchStart).includes("<")
      )
        return false;
      const kind = siblingKind(ctx);
      return kind !== undefined && plausibleSecret(secret, kind);
    },
  };
}

/** The value as a quoted literal (any file), or a YAML plain scalar (not in code). */
export const NAME_VALUE_DETECTORS: readonly Detector[] = [
  pairValue(`(?<quote>["'])(?<secret>[^\\s"'\\\\]{8,1024})\\k<quote>`, true),
  pairValue(
    `(?<secret>[^\\s"'\`\\\\#{}[\\],&*!|>%@$][^\\s"'\`\\\\,{}[\\]]{7,1023})(?=[ \\t]*(?:#|$))`,
    false,
  ),
];
