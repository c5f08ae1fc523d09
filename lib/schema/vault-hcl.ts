/** Vault policy documents: rendered from parsed scopes, and read back (HCL or JSON) for judging. */
import { VAULT_CAPABILITIES, type VaultScope } from "./scopes";

const ORDER = new Map<string, number>(VAULT_CAPABILITIES.map((c, i) => [c, i]));

/** Path blocks with exactly the declared capabilities, merged per path, in declaration order. */
export function renderVaultPolicy(scopes: readonly VaultScope[], header?: string): string {
  const byPath = new Map<string, Set<string>>();
  for (const scope of scopes) {
    const caps = byPath.get(scope.path) ?? new Set<string>();
    scope.capabilities.forEach((c) => caps.add(c));
    byPath.set(scope.path, caps);
  }
  const blocks = [...byPath].map(([path, caps]) => {
    const list = [...caps].sort((a, b) => (ORDER.get(a) ?? 99) - (ORDER.get(b) ?? 99));
    return `path ${JSON.stringify(path)} {\n  capabilities = [${list.map((c) => JSON.stringify(c)).join(", ")}]\n}\n`;
  });
  // No trailing newline: Vault stores documents without one, so a refresh finds no difference.
  return ((header ? `# ${header.replace(/\n/g, " ")}\n` : "") + blocks.join("\n")).trimEnd();
}

// ------------------------------------------------------------------------------- reading documents

/** One `path` block of a Vault policy document, as Vault would apply it. */
export interface VaultPolicyPath {
  readonly path: string;
  /** Capabilities granted, with the legacy `policy = "write"` shorthand expanded. */
  readonly capabilities: readonly string[];
  /** 1-based line of the block in the document (1 for JSON documents). */
  readonly line: number;
}

/** A document Vault would refuse (or tokenguard cannot read): the message names the line and the fix. */
export class VaultPolicyParseError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = "VaultPolicyParseError";
  }
}

/** The legacy `policy = "..."` shorthand, as Vault expands it. */
const LEGACY_POLICY: Record<string, readonly string[]> = {
  deny: ["deny"],
  read: ["read", "list"],
  write: ["create", "read", "update", "delete", "list"],
  sudo: ["create", "read", "update", "delete", "list", "sudo"],
  list: ["list"],
};

/**
 * Reads a Vault policy document in either form Vault accepts — HCL (`path "x" { capabilities =
 * [...] }`) or JSON (`{"path": {"x": {"capabilities": [...]}}}`) — into its path blocks. Throws
 * {@link VaultPolicyParseError} for anything Vault would refuse, so a caller can fail closed.
 */
export function parseVaultPolicy(text: string): VaultPolicyPath[] {
  if (typeof text !== "string") throw new VaultPolicyParseError(1, "the policy must be a string");
  if (text.trimStart().startsWith("{")) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new VaultPolicyParseError(1, `JSON does not parse: ${(e as Error).message}`);
    }
    return pathsFromJson(doc);
  }
  return pathsFromHcl(new HclParser(text).document());
}

function pathsFromJson(doc: unknown): VaultPolicyPath[] {
  if (!isRecord(doc))
    throw new VaultPolicyParseError(1, 'a JSON policy must be an object { "path": {...} }');
  const out: VaultPolicyPath[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (key === "name") continue;
    if (key !== "path")
      throw new VaultPolicyParseError(1, `unknown key "${key}"; a policy holds "path" entries`);
    if (!isRecord(value))
      throw new VaultPolicyParseError(1, '"path" must map each path to its rules');
    for (const [path, rules] of Object.entries(value)) {
      for (const body of Array.isArray(rules) ? rules : [rules]) {
        out.push({ path, capabilities: capabilitiesOf(body, path, 1), line: 1 });
      }
    }
  }
  return out;
}

function pathsFromHcl(items: readonly HclItem[]): VaultPolicyPath[] {
  const out: VaultPolicyPath[] = [];
  for (const item of items) {
    if (item.key === "name") continue;
    if (item.key !== "path") {
      throw new VaultPolicyParseError(
        item.line,
        `unknown key "${item.key}"; a policy holds path blocks only`,
      );
    }
    if (item.kind === "block") {
      if (item.labels.length !== 1) {
        throw new VaultPolicyParseError(
          item.line,
          'write a path block as path "<path>" { capabilities = [...] }',
        );
      }
      out.push({
        path: item.labels[0],
        capabilities: capabilitiesOf(item.value, item.labels[0], item.line),
        line: item.line,
      });
    } else {
      // path = { "<path>" = { ... } }, the older object form
      if (!isRecord(item.value))
        throw new VaultPolicyParseError(item.line, "path must be a block or an object");
      for (const [path, rules] of Object.entries(item.value)) {
        out.push({ path, capabilities: capabilitiesOf(rules, path, item.line), line: item.line });
      }
    }
  }
  return out;
}

function capabilitiesOf(body: unknown, path: string, line: number): string[] {
  if (!isRecord(body))
    throw new VaultPolicyParseError(line, `the rules of path "${path}" must be an object`);
  const caps = new Set<string>();
  const { capabilities, policy } = body;
  if (capabilities !== undefined) {
    if (!Array.isArray(capabilities) || capabilities.some((c) => typeof c !== "string")) {
      throw new VaultPolicyParseError(
        line,
        `capabilities of path "${path}" must be a list of strings`,
      );
    }
    capabilities.forEach((c: string) => caps.add(c.trim().toLowerCase()));
  }
  if (policy !== undefined) {
    const expanded = typeof policy === "string" ? LEGACY_POLICY[policy.toLowerCase()] : undefined;
    if (!expanded) {
      throw new VaultPolicyParseError(
        line,
        `policy of path "${path}" must be one of ${Object.keys(LEGACY_POLICY).join(", ")}`,
      );
    }
    expanded.forEach((c) => caps.add(c));
  }
  return [...caps];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// The HCL subset Vault policies use: attributes, labelled blocks, strings, heredocs, numbers,
// booleans, lists and objects, with #, // and /* */ comments.

type HclItem =
  | { kind: "attribute"; key: string; value: unknown; line: number }
  | { kind: "block"; key: string; labels: string[]; value: Record<string, unknown>; line: number };

type Token = { type: "string" | "ident" | "number" | "punct" | "eof"; text: string; line: number };

class HclParser {
  private pos = 0;
  private line = 1;
  private peeked?: Token;

  constructor(private readonly src: string) {}

  document(): HclItem[] {
    const items = this.body();
    const next = this.next();
    if (next.type !== "eof") this.fail(next, `unexpected "${next.text}"`);
    return items;
  }

  private body(): HclItem[] {
    const items: HclItem[] = [];
    for (;;) {
      const t = this.peek();
      if (t.type === "eof" || (t.type === "punct" && t.text === "}")) return items;
      if (t.type === "punct" && t.text === ",") {
        this.next();
        continue;
      }
      if (t.type !== "ident" && t.type !== "string")
        this.fail(t, `expected a key, found "${t.text}"`);
      this.next();
      const after = this.peek();
      if (after.type === "punct" && (after.text === "=" || after.text === ":")) {
        this.next();
        items.push({ kind: "attribute", key: t.text, value: this.value(), line: t.line });
        continue;
      }
      const labels: string[] = [];
      while (this.peek().type === "string" || this.peek().type === "ident")
        labels.push(this.next().text);
      this.expect("{", `after "${t.text}" write "=" and a value, or a block { ... }`);
      const value = this.object();
      items.push({ kind: "block", key: t.text, labels, value, line: t.line });
    }
  }

  /** The rest of an object or block body after its "{"; repeated keys merge into lists, as in HCL. */
  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const item of this.body()) {
      let value: unknown = item.value;
      if (item.kind === "block") {
        for (const label of [...item.labels].reverse()) value = { [label]: value };
      }
      out[item.key] =
        item.key in out && item.kind === "block" ? mergeBlocks(out[item.key], value) : value;
    }
    this.expect("}", "close the block with }");
    return out;
  }

  private value(): unknown {
    const t = this.next();
    if (t.type === "string") return t.text;
    if (t.type === "number") return Number(t.text);
    if (t.type === "ident" && (t.text === "true" || t.text === "false")) return t.text === "true";
    if (t.type === "punct" && t.text === "{") return this.object();
    if (t.type === "punct" && t.text === "[") {
      const list: unknown[] = [];
      for (;;) {
        const p = this.peek();
        if (p.type === "punct" && p.text === "]") {
          this.next();
          return list;
        }
        list.push(this.value());
        const sep = this.next();
        if (sep.type === "punct" && sep.text === "]") return list;
        if (!(sep.type === "punct" && sep.text === ","))
          this.fail(sep, 'separate list items with ","');
      }
    }
    return this.fail(t, `expected a value, found "${t.text}"`);
  }

  private expect(punct: string, hint: string): void {
    const t = this.next();
    if (!(t.type === "punct" && t.text === punct)) this.fail(t, `expected "${punct}": ${hint}`);
  }

  private fail(t: Token, reason: string): never {
    throw new VaultPolicyParseError(
      t.line,
      t.type === "eof" ? `${reason} (the document ends early)` : reason,
    );
  }

  private peek(): Token {
    this.peeked ??= this.scan();
    return this.peeked;
  }

  private next(): Token {
    const t = this.peek();
    this.peeked = undefined;
    return t;
  }

  private scan(): Token {
    const src = this.src;
    // whitespace and comments
    for (;;) {
      const ch = src[this.pos];
      if (ch === "\n") {
        this.line++;
        this.pos++;
      } else if (ch === " " || ch === "\t" || ch === "\r") this.pos++;
      else if (ch === "#" || (ch === "/" && src[this.pos + 1] === "/")) {
        while (this.pos < src.length && src[this.pos] !== "\n") this.pos++;
      } else if (ch === "/" && src[this.pos + 1] === "*") {
        const end = src.indexOf("*/", this.pos + 2);
        if (end < 0) throw new VaultPolicyParseError(this.line, "a /* comment is never closed");
        this.line += countLines(src.slice(this.pos, end));
        this.pos = end + 2;
      } else break;
    }
    const line = this.line;
    if (this.pos >= src.length) return { type: "eof", text: "", line };
    const ch = src[this.pos];
    if ("{}[]=,:".includes(ch)) {
      this.pos++;
      return { type: "punct", text: ch, line };
    }
    if (ch === '"') return { type: "string", text: this.quoted(), line };
    if (ch === "<" && src[this.pos + 1] === "<")
      return { type: "string", text: this.heredoc(), line };
    const word = /^[A-Za-z_][\w.-]*|^-?\d+(?:\.\d+)?/.exec(src.slice(this.pos, this.pos + 256));
    if (!word) throw new VaultPolicyParseError(line, `unexpected character ${JSON.stringify(ch)}`);
    this.pos += word[0].length;
    return { type: /^-?\d/.test(word[0]) ? "number" : "ident", text: word[0], line };
  }

  private quoted(): string {
    const src = this.src;
    let out = "";
    for (let i = this.pos + 1; i < src.length; i++) {
      const ch = src[i];
      if (ch === '"') {
        this.pos = i + 1;
        return out;
      }
      if (ch === "\n") break;
      if (ch === "\\") {
        const esc = src[++i];
        if (esc === "u") {
          out += String.fromCharCode(parseInt(src.slice(i + 1, i + 5), 16));
          i += 4;
        } else out += ({ n: "\n", t: "\t", r: "\r" } as Record<string, string>)[esc] ?? esc;
      } else out += ch;
    }
    throw new VaultPolicyParseError(this.line, "a string is not closed on its line");
  }

  private heredoc(): string {
    const m = /^<<-?([A-Za-z_]\w*)\r?\n/.exec(this.src.slice(this.pos));
    if (!m)
      throw new VaultPolicyParseError(this.line, "a heredoc starts with <<NAME and a new line");
    const start = this.pos + m[0].length;
    const end = new RegExp(`^[ \\t]*${m[1]}[ \\t]*$`, "m");
    const rest = this.src.slice(start);
    const found = end.exec(rest);
    if (!found) throw new VaultPolicyParseError(this.line, `heredoc ${m[1]} is never closed`);
    const body = rest.slice(0, found.index);
    this.line += 1 + countLines(body);
    this.pos = start + found.index + found[0].length;
    return body;
  }
}

function countLines(text: string): number {
  let n = 0;
  for (const ch of text) if (ch === "\n") n++;
  return n;
}

function mergeBlocks(existing: unknown, added: unknown): unknown {
  if (isRecord(existing) && isRecord(added)) {
    const out: Record<string, unknown> = { ...existing };
    for (const [k, v] of Object.entries(added)) {
      out[k] = k in out ? [...(Array.isArray(out[k]) ? (out[k] as unknown[]) : [out[k]]), v] : v;
    }
    return out;
  }
  return [...(Array.isArray(existing) ? existing : [existing]), added];
}
