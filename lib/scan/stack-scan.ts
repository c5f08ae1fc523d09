/**
 * Dynamic scan: plaintext credentials in a `pulumi stack export` — resource inputs/outputs and
 * stack outputs not marked secret. Findings name the resource URN and the property path, never
 * the value. Pure over the parsed export (plus its text, to point at a line).
 */
import { detect, type Detection } from "./detect";
import { fingerprint, LineIndex, type ScanFinding } from "./findings";
import { credentialKind, plausibleSecret } from "./noise";
import { scanRule } from "./rules";
import { CREDENTIAL_RESOURCES, isSecretValue, type StackExport } from "./state";

const STATE_RULE = scanRule("pulumi-state-plaintext-secret");
const GENERIC_RULE = scanRule("generic-secret");

interface Leaf {
  readonly path: string;
  /** The last property name on the path (array indices skipped). */
  readonly key: string;
  readonly value: string;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

function childPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  return IDENT.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/** String leaves of a state value, skipping everything wrapped as a secret. */
function* leaves(value: unknown, path: string, key: string): Generator<Leaf> {
  if (isSecretValue(value)) return;
  if (typeof value === "string") {
    yield { path, key, value };
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* leaves(value[i], childPath(path, i), key);
  } else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) yield* leaves(v, childPath(path, k), k);
  }
}

/** Where a value sits in the export text: after its resource's URN, else at the URN. */
function locate(
  text: string | undefined,
  lines: LineIndex | undefined,
  urn: string,
  value: string,
) {
  if (!text || !lines) return { line: 0, column: 0 };
  const at = Math.max(0, text.indexOf(JSON.stringify(urn)));
  const encodings = [
    JSON.stringify(value),
    JSON.stringify(value)
      .replace(/</g, "\\u003c")
      .replace(/>/g, "\\u003e")
      .replace(/&/g, "\\u0026"),
  ];
  for (const encoded of encodings) {
    const found = text.indexOf(encoded, at);
    if (found !== -1) return lines.position(found + 1);
  }
  return lines.position(at);
}

export interface StackScanOptions {
  /** Name for the `file` field of findings (the export's path, or "<stdin>"). */
  readonly file: string;
  /** The export's text, to report line numbers; without it line and column are 0. */
  readonly text?: string;
}

/** Plaintext credentials in a parsed stack export. */
export async function scanStackExport(
  exp: StackExport,
  options: StackScanOptions,
): Promise<ScanFinding[]> {
  const lines = options.text === undefined ? undefined : new LineIndex(options.text);
  const findings: ScanFinding[] = [];
  for (const resource of exp.resources) {
    const known = CREDENTIAL_RESOURCES[resource.type]?.secretProperties ?? [];
    for (const section of ["inputs", "outputs"] as const) {
      const props = resource[section] ?? {};
      for (const [prop, value] of Object.entries(props)) {
        for (const leaf of leaves(value, childPath(section, prop), prop)) {
          if (leaf.value.length < 8) continue;
          const hits: { rule: string; severity: Detection["rule"]["severity"]; secret: string }[] =
            [];
          // A credential property in plaintext: the whole string, or a credential inside it
          // (`previous.value`, a password in a secret's data map).
          const direct = leaf.path === childPath(section, prop);
          if (
            known.includes(prop) &&
            (direct || leaf.key === "value" || credentialKind(leaf.key))
          ) {
            hits.push({ rule: STATE_RULE.id, severity: STATE_RULE.severity, secret: leaf.value });
          } else {
            for (const d of await detect(leaf.value, leaf.path)) {
              hits.push({ rule: d.rule.id, severity: d.rule.severity, secret: d.secret });
            }
            const kind = credentialKind(leaf.key);
            if (hits.length === 0 && kind !== undefined && plausibleSecret(leaf.value, kind)) {
              hits.push({
                rule: GENERIC_RULE.id,
                severity: GENERIC_RULE.severity,
                secret: leaf.value,
              });
            }
          }
          for (const hit of hits) {
            const { line, column } = locate(options.text, lines, resource.urn, leaf.value);
            findings.push({
              rule: hit.rule,
              severity: hit.severity,
              file: options.file,
              line,
              column,
              endLine: line,
              endColumn: column,
              fingerprint: fingerprint(hit.rule, hit.secret),
              urn: resource.urn,
              property: leaf.path,
            });
          }
        }
      }
    }
  }
  return findings;
}
