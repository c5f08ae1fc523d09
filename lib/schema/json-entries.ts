/**
 * JSON read with every key of an object kept, repeated ones included: `JSON.parse` keeps only the
 * last of a repeated key, while the HCL v1 JSON parser Vault reads policies with keeps them all
 * (and Vault then merges them). Strict JSON otherwise; strings and numbers are decoded by
 * `JSON.parse` itself, so they read exactly as it reads them.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

/** An object as written: its keys in order, a repeated key as often as it is given. */
export class JsonObject {
  constructor(readonly entries: readonly (readonly [string, JsonValue])[]) {}
}

/** Not JSON: the message says where. */
export class JsonSyntaxError extends Error {
  constructor(reason: string, at: number) {
    super(`${reason} at position ${at}`);
    this.name = "JsonSyntaxError";
  }
}

const SPACE = /[ \t\n\r]*/y;
const TOKEN =
  /(?:([{}[\]:,])|("(?:[^"\\]|\\[\s\S])*")|(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)|(true|false|null))/y;

/** Deeper than any policy document; past it, an error rather than a stack overflow. */
const MAX_DEPTH = 512;

type Token = { kind: "punct" | "string" | "number" | "word" | "end"; text: string; at: number };

/** A string, number or word as JSON.parse reads it (it refuses control characters and bad escapes). */
function decode(t: Token): JsonValue {
  try {
    return JSON.parse(t.text) as JsonValue;
  } catch {
    throw new JsonSyntaxError(`bad ${t.kind} ${t.text.slice(0, 40)}`, t.at);
  }
}

class Reader {
  private pos = 0;
  private depth = 0;

  constructor(private readonly src: string) {}

  document(): JsonValue {
    const value = this.value(this.next());
    const end = this.next();
    if (end.kind !== "end") throw new JsonSyntaxError(`unexpected ${end.text}`, end.at);
    return value;
  }

  private next(): Token {
    SPACE.lastIndex = this.pos;
    SPACE.exec(this.src);
    const at = SPACE.lastIndex;
    if (at >= this.src.length) return { kind: "end", text: "end of input", at };
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(this.src);
    if (!m) throw new JsonSyntaxError(`unexpected ${JSON.stringify(this.src[at])}`, at);
    this.pos = TOKEN.lastIndex;
    const kind = m[1] ? "punct" : m[2] ? "string" : m[3] ? "number" : "word";
    return { kind, text: m[0], at };
  }

  private value(t: Token): JsonValue {
    if (++this.depth > MAX_DEPTH) throw new JsonSyntaxError("nested too deep", t.at);
    try {
      return this.read(t);
    } finally {
      this.depth--;
    }
  }

  private read(t: Token): JsonValue {
    if (t.kind === "string" || t.kind === "number" || t.kind === "word") return decode(t);
    if (t.text === "{") return this.object();
    if (t.text === "[") return this.array();
    throw new JsonSyntaxError(`expected a value, found ${t.text}`, t.at);
  }

  private object(): JsonObject {
    const entries: [string, JsonValue][] = [];
    let t = this.next();
    if (t.text === "}" && t.kind === "punct") return new JsonObject(entries);
    for (;;) {
      if (t.kind !== "string") throw new JsonSyntaxError(`expected a key, found ${t.text}`, t.at);
      const colon = this.next();
      if (colon.text !== ":") throw new JsonSyntaxError(`expected ":"`, colon.at);
      entries.push([decode(t) as string, this.value(this.next())]);
      const sep = this.next();
      if (sep.text === "}" && sep.kind === "punct") return new JsonObject(entries);
      if (sep.text !== ",") throw new JsonSyntaxError(`expected "," or "}"`, sep.at);
      t = this.next();
    }
  }

  private array(): JsonValue[] {
    const items: JsonValue[] = [];
    let t = this.next();
    if (t.text === "]" && t.kind === "punct") return items;
    for (;;) {
      items.push(this.value(t));
      const sep = this.next();
      if (sep.text === "]" && sep.kind === "punct") return items;
      if (sep.text !== ",") throw new JsonSyntaxError(`expected "," or "]"`, sep.at);
      t = this.next();
    }
  }
}

/** Parses `text` as JSON, keeping repeated keys; throws {@link JsonSyntaxError}. */
export function parseJsonEntries(text: string): JsonValue {
  return new Reader(text).document();
}
