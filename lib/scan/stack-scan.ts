/**
 * Dynamic scan: plaintext credentials in a `pulumi stack export` — resource inputs/outputs and
 * stack outputs not marked secret. Findings name the resource URN and the property path, never
 * the value. Pure over the parsed export (plus its text, to point at a line).
 */
import { detect, type Detection } from "./detect";
import { LineIndex, type ScanFinding } from "./findings";
import { defaultFingerprinter, rememberLegacy, type Fingerprinter } from "./fingerprint";
import { credentialKind, plausibleSecret } from "./noise";
import { scanRule } from "./rules";
import { CREDENTIAL_RESOURCES, isSecretValue, type StackExport, type StateResource } from "./state";

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
  /** The repository's fingerprint key. @default defaultFingerprinter() */
  readonly fingerprinter?: Fingerprinter;
}

interface Hit {
  readonly rule: string;
  readonly severity: Detection["rule"]["severity"];
  readonly secret: string;
}

/** A hit, where it is (property path) and the string holding it (to find its line). */
interface Placed {
  readonly property: string;
  readonly hit: Hit;
  readonly value: string;
}

const stateHit = (secret: string): Hit => ({
  rule: STATE_RULE.id,
  severity: STATE_RULE.severity,
  secret,
});

/** Credentials in one string leaf of a resource's inputs or outputs. */
async function leafHits(leaf: Leaf, top: string, known: readonly string[], prop: string) {
  if (leaf.value.length < 8) return [];
  // A credential property in plaintext: the whole string, or a credential inside it
  // (`previous.value`, a password in a secret's data map).
  const direct = leaf.path === top;
  if (known.includes(prop) && (direct || leaf.key === "value" || credentialKind(leaf.key))) {
    return [stateHit(leaf.value)];
  }
  const hits: Hit[] = (await detect(leaf.value, leaf.path)).map((d) => ({
    rule: d.rule.id,
    severity: d.rule.severity,
    secret: d.secret,
  }));
  const kind = credentialKind(leaf.key);
  if (hits.length === 0 && kind !== undefined && plausibleSecret(leaf.value, kind)) {
    hits.push({ rule: GENERIC_RULE.id, severity: GENERIC_RULE.severity, secret: leaf.value });
  }
  return hits;
}

/** Every credential one resource holds in plain text: its id (where the id is the value), inputs, outputs. */
async function resourceHits(resource: StateResource): Promise<Placed[]> {
  const facts = CREDENTIAL_RESOURCES[resource.type];
  const known = facts?.secretProperties ?? [];
  const out: Placed[] = [];
  const length = resource.inputs?.length ?? resource.outputs?.length;
  if (resource.id && facts?.idIsValue?.(resource.id, length)) {
    out.push({ property: "id", hit: stateHit(resource.id), value: resource.id });
  }
  for (const section of ["inputs", "outputs"] as const) {
    for (const [prop, value] of Object.entries(resource[section] ?? {})) {
      const top = childPath(section, prop);
      for (const leaf of leaves(value, top, prop)) {
        for (const hit of await leafHits(leaf, top, known, prop)) {
          out.push({ property: leaf.path, hit, value: leaf.value });
        }
      }
    }
  }
  return out;
}

/** Plaintext credentials in a parsed stack export (resources and pending operations). */
export async function scanStackExport(
  exp: StackExport,
  options: StackScanOptions,
): Promise<ScanFinding[]> {
  const lines = options.text === undefined ? undefined : new LineIndex(options.text);
  const fp = options.fingerprinter ?? defaultFingerprinter();
  const findings: ScanFinding[] = [];
  for (const resource of [...exp.resources, ...(exp.pending ?? [])]) {
    for (const { property, hit, value } of await resourceHits(resource)) {
      const { line, column } = locate(options.text, lines, resource.urn, value);
      const finding: ScanFinding = {
        rule: hit.rule,
        severity: hit.severity,
        file: options.file,
        line,
        column,
        endLine: line,
        endColumn: column,
        fingerprint: fp.of(hit.rule, hit.secret),
        urn: resource.urn,
        property,
      };
      rememberLegacy(finding, hit.rule, hit.secret);
      findings.push(finding);
    }
  }
  return findings;
}
