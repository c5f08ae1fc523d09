/**
 * The HCL (version 1) subset Vault policies are written in: attributes (`key = value`), labelled
 * blocks (`key "label" { ... }`), strings, heredocs, numbers, booleans, lists and objects, with
 * `#`, `//` and `/* *\/` comments. As Vault's parser does, it refuses an attribute set twice and
 * `key: value` (JSON's colon is not HCL).
 */

/** A syntax error, with the 1-based line it was found on. */
export class HclError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(reason);
    this.name = "HclError";
  }
}

export type HclItem =
  | { kind: "attribute"; key: string; value: unknown; line: number }
  | { kind: "block"; key: string; labels: string[]; value: Record<string, unknown>; line: number };

type Token = {
  type: "string" | "heredoc" | "ident" | "number" | "punct" | "eof";
  text: string;
  line: number;
};

/** The items of a document, in order. */
export function parseHcl(src: string): HclItem[] {
  return new HclParser(src).document();
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

class HclParser {
  private readonly lexer: Lexer;
  private peeked?: Token;

  constructor(src: string) {
    this.lexer = new Lexer(src);
  }

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
      if (after.type === "punct" && after.text === "=") {
        this.next();
        items.push({ kind: "attribute", key: t.text, value: this.value(), line: t.line });
        continue;
      }
      const labels: string[] = [];
      while (this.peek().type === "string" || this.peek().type === "ident")
        labels.push(this.next().text);
      this.expect("{", `after "${t.text}" write "=" and a value, or a block { ... }`);
      items.push({ kind: "block", key: t.text, labels, value: this.object(), line: t.line });
    }
  }

  /** The rest of an object or block body after its "{": blocks nest by label, attributes once each. */
  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const item of this.body()) {
      if (item.kind === "attribute") {
        if (item.key in out) throw new HclError(item.line, `"${item.key}" is set twice`);
        out[item.key] = item.value;
        continue;
      }
      if (item.labels.length === 0) {
        if (item.key in out) throw new HclError(item.line, `block ${item.key} is given twice`);
        out[item.key] = item.value;
        continue;
      }
      // key "a" "b" { ... } nests as { key: { a: { b: { ... } } } }; blocks of one key merge.
      let target = out;
      for (const key of [item.key, ...item.labels.slice(0, -1)]) {
        if (!isRecord(target[key])) target[key] = {};
        target = target[key] as Record<string, unknown>;
      }
      const last = item.labels[item.labels.length - 1];
      if (last in target)
        throw new HclError(item.line, `block ${item.key} "${last}" is given twice`);
      target[last] = item.value;
    }
    this.expect("}", "close the block with }");
    return out;
  }

  private value(): unknown {
    const t = this.next();
    // A heredoc is a value only: HCL v1 refuses one as a key or a block label.
    if (t.type === "string" || t.type === "heredoc") return t.text;
    if (t.type === "number") return Number(t.text);
    if (t.type === "ident" && (t.text === "true" || t.text === "false")) return t.text === "true";
    if (t.type === "punct" && t.text === "{") return this.object();
    if (t.type === "punct" && t.text === "[") return this.list();
    return this.fail(t, `expected a value, found "${t.text}"`);
  }

  private list(): unknown[] {
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

  private expect(punct: string, hint: string): void {
    const t = this.next();
    if (!(t.type === "punct" && t.text === punct)) this.fail(t, `expected "${punct}": ${hint}`);
  }

  private fail(t: Token, reason: string): never {
    throw new HclError(t.line, t.type === "eof" ? `${reason} (the document ends early)` : reason);
  }

  private peek(): Token {
    this.peeked ??= this.lexer.scan();
    return this.peeked;
  }

  private next(): Token {
    const t = this.peek();
    this.peeked = undefined;
    return t;
  }
}

class Lexer {
  private pos = 0;
  private line = 1;

  constructor(private readonly src: string) {}

  scan(): Token {
    this.skipSpace();
    const line = this.line;
    const src = this.src;
    if (this.pos >= src.length) return { type: "eof", text: "", line };
    const ch = src[this.pos];
    if ("{}[]=,".includes(ch)) {
      this.pos++;
      return { type: "punct", text: ch, line };
    }
    if (ch === '"') return { type: "string", text: this.quoted(), line };
    if (ch === "<" && src[this.pos + 1] === "<")
      return { type: "heredoc", text: this.heredoc(), line };
    const word = /^[A-Za-z_][\w.-]*|^-?\d+(?:\.\d+)?/.exec(src.slice(this.pos, this.pos + 256));
    if (!word) throw new HclError(line, `unexpected character ${JSON.stringify(ch)}`);
    this.pos += word[0].length;
    return { type: /^-?\d/.test(word[0]) ? "number" : "ident", text: word[0], line };
  }

  private skipSpace(): void {
    const src = this.src;
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
        if (end < 0) throw new HclError(this.line, "a /* comment is never closed");
        this.line += countLines(src.slice(this.pos, end));
        this.pos = end + 2;
      } else return;
    }
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
      if (ch === "$" && src[i + 1] === "{") {
        // HCL v1 reads "${" as the start of an interpolation that runs, quotes and new lines
        // included, until its braces balance: Vault would read the rest differently.
        throw new HclError(
          this.line,
          'a string holds "${": Vault reads it as an interpolation that can swallow what follows; Vault policies have none (identity templates are {{...}}), so remove it',
        );
      }
      if (ch === "\\") {
        const [text, length] = unescape(src.slice(i + 1, i + 11), this.line);
        out += text;
        i += length;
      } else out += ch;
    }
    throw new HclError(this.line, "a string is not closed on its line");
  }

  /**
   * A heredoc closes on a line that is its name after nothing but white space (a tab, a space, \v,
   * \f, \r) and before nothing but carriage returns, as HCL v1 closes it: `EOF ` with a trailing
   * blank does not, so the heredoc runs on, as it does in Vault.
   */
  private heredoc(): string {
    const m = /^<<-?([A-Za-z_]\w*)\r?\n/.exec(this.src.slice(this.pos));
    if (!m) throw new HclError(this.line, "a heredoc starts with <<NAME and a new line");
    const start = this.pos + m[0].length;
    const closing = new RegExp(`^[\\t\\v\\f\\r ]*${m[1]}\\r*$`);
    let at = start;
    for (;;) {
      const eol = this.src.indexOf("\n", at);
      const end = eol === -1 ? this.src.length : eol;
      if (closing.test(this.src.slice(at, end))) {
        const body = this.src.slice(start, at);
        this.line += 1 + countLines(body);
        this.pos = end;
        return body;
      }
      if (eol === -1) throw new HclError(this.line, `heredoc ${m[1]} is never closed`);
      at = eol + 1;
    }
  }
}

const SIMPLE: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  '"': '"',
};
const ESCAPE = /^(?:[abfnrtv\\"]|x[0-9a-fA-F]{2}|[0-7]{3}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})/;

/**
 * The escape after a backslash, as HCL v1 reads it (its scanner, then Go's strconv.Unquote): its
 * text and length. So `"auth/token/cr\x65ate"` is auth/token/create, as Vault reads it. Anything
 * else, and a byte escape that is not a character on its own, is refused.
 */
function unescape(rest: string, line: number): [string, number] {
  const e = ESCAPE.exec(rest)?.[0];
  if (e === undefined) {
    throw new HclError(
      line,
      `unknown escape "\\${rest.slice(0, 1)}" in a string; write \\\\ for a backslash, or \\n, \\t, \\", \\xHH, \\uHHHH`,
    );
  }
  if (e.length === 1) return [SIMPLE[e], 1];
  const byte = e[0] === "x" || /^[0-7]/.test(e);
  const code = byte && e[0] !== "x" ? parseInt(e, 8) : parseInt(e.slice(1), 16);
  const valid = byte ? code <= 0x7f : code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
  if (!valid) {
    throw new HclError(
      line,
      `escape "\\${e}" is not a character Vault reads as text; write the character itself`,
    );
  }
  return [String.fromCodePoint(code), e.length];
}

function countLines(text: string): number {
  let n = 0;
  for (const ch of text) if (ch === "\n") n++;
  return n;
}
