/** Vault policy documents: rendered from parsed scopes, and read back (HCL or JSON) for judging. */
import { HclError, parseHcl, type HclItem } from "./hcl";
import { JsonObject, JsonSyntaxError, parseJsonEntries, type JsonValue } from "./json-entries";
import { VAULT_CAPABILITIES, type VaultScope } from "./scopes";
import { pathRuleCapabilities, RuleError } from "./vault-path-rules";

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
  /** Capabilities granted, with the legacy `policy = "write"` shorthand expanded (`["deny"]` alone if denied). */
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

/**
 * Reads a Vault policy document in either form Vault accepts — HCL (`path "x" { capabilities =
 * [...] }`) or JSON (`{"path": {"x": {"capabilities": [...]}}}`) — into its path blocks. Throws
 * {@link VaultPolicyParseError} for anything Vault's parser refuses (see ./vault-path-rules), so a
 * caller can fail closed. Paths come back as Vault applies them: a leading "/" stripped.
 */
export function parseVaultPolicy(text: string): VaultPolicyPath[] {
  if (typeof text !== "string") throw new VaultPolicyParseError(1, "the policy must be a string");
  if (text === "") throw new VaultPolicyParseError(1, "the policy is empty");
  if (text.trimStart().startsWith("{")) {
    let doc: JsonValue;
    try {
      doc = parseJsonEntries(text);
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      throw new VaultPolicyParseError(1, `JSON does not parse: ${e.message}`);
    }
    return pathsFromJson(doc);
  }
  let items: HclItem[];
  try {
    items = parseHcl(text);
  } catch (e) {
    if (e instanceof HclError) throw new VaultPolicyParseError(e.line, e.message);
    throw e;
  }
  return pathsFromHcl(items);
}

/** One path block, checked and read; errors name the path and the line. */
function pathOf(path: string, body: unknown, line: number): VaultPolicyPath {
  if (path.includes("+*")) {
    throw new VaultPolicyParseError(line, `path "${path}": "+*" is not a wildcard Vault allows`);
  }
  try {
    return { path: path.replace(/^\//, ""), capabilities: pathRuleCapabilities(body), line };
  } catch (e) {
    if (e instanceof RuleError)
      throw new VaultPolicyParseError(line, `path "${path}": ${e.message}`);
    throw e;
  }
}

function checkName(value: unknown, line: number): void {
  if (typeof value !== "string" && typeof value !== "number") {
    throw new VaultPolicyParseError(line, 'name must be a string: name = "<policy name>"');
  }
}

/**
 * The JSON form, every repeated key kept: Vault's HCL v1 JSON parser reads each "path" object and
 * each block of a path given twice (which its ACL merges, as it merges two HCL blocks of a path).
 */
function pathsFromJson(doc: JsonValue): VaultPolicyPath[] {
  if (!(doc instanceof JsonObject))
    throw new VaultPolicyParseError(1, 'a JSON policy must be an object { "path": {...} }');
  const out: VaultPolicyPath[] = [];
  for (const [key, value] of doc.entries) {
    if (key === "name") {
      checkName(value, 1);
      continue;
    }
    if (key !== "path")
      throw new VaultPolicyParseError(
        1,
        `unknown key "${key}"; a policy holds "name" and "path" only`,
      );
    // HCL's JSON form: an object of paths, or a list of such objects.
    for (const paths of Array.isArray(value) ? value : [value]) {
      if (!(paths instanceof JsonObject))
        throw new VaultPolicyParseError(1, '"path" must map each path to its rules');
      for (const [path, rules] of paths.entries) out.push(pathOf(path, jsonRules(path, rules), 1));
    }
  }
  return out;
}

/**
 * A path block's rules as plain values. Vault reads a "capabilities" list given twice as one list
 * of both; any other key given twice is refused, as what Vault would make of it is not certain.
 */
function jsonRules(path: string, rules: JsonValue): unknown {
  if (!(rules instanceof JsonObject)) return plainJson(path, rules);
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of rules.entries) {
    const given = out[key];
    if (!Object.hasOwn(out, key)) out[key] = plainJson(path, value);
    else if (key === "capabilities" && Array.isArray(given) && Array.isArray(value))
      out[key] = [...given, ...(plainJson(path, value) as unknown[])];
    else throw twice(path, key);
  }
  return out;
}

function plainJson(path: string, value: JsonValue): unknown {
  if (Array.isArray(value)) return value.map((v) => plainJson(path, v));
  if (!(value instanceof JsonObject)) return value;
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, v] of value.entries) {
    if (Object.hasOwn(out, key)) throw twice(path, key);
    out[key] = plainJson(path, v);
  }
  return out;
}

const twice = (path: string, key: string) =>
  new VaultPolicyParseError(1, `path "${path}": "${key}" is given twice; give it once`);

function pathsFromHcl(items: readonly HclItem[]): VaultPolicyPath[] {
  const out: VaultPolicyPath[] = [];
  for (const item of items) {
    if (item.key === "name") {
      checkName(item.value, item.line);
      continue;
    }
    if (item.key !== "path") {
      throw new VaultPolicyParseError(
        item.line,
        `unknown key "${item.key}"; a policy holds name and path blocks only`,
      );
    }
    if (item.kind !== "block" || item.labels.length !== 1) {
      throw new VaultPolicyParseError(
        item.line,
        'write a path block as path "<path>" { capabilities = [...] }',
      );
    }
    out.push(pathOf(item.labels[0], item.value, item.line));
  }
  return out;
}
