/**
 * Pulumi stack config (`Pulumi.<stack>.yaml`, and `config:` in `Pulumi.yaml`): a value whose key
 * names a credential must be `secure:` ciphertext. A plaintext one is a finding even when it is
 * short or low-entropy — Pulumi offers `config set --secret`, so there is no excuse.
 */
import { isMap, isPair, isScalar, isSeq, parseDocument, type Node } from "yaml";
import type { Detection } from "./detect";
import { credentialKind, isHashNotation, isLocator, isNoise, isPlainScalar, isUuid } from "./noise";
import { scanRule } from "./rules";

const RULE = scanRule("pulumi-config-plaintext");

/** `Pulumi.yaml`, `Pulumi.dev.yaml`, `Pulumi.prod-eu.yml`. */
export function isPulumiConfigFile(file: string): boolean {
  return /(?:^|[/\\])Pulumi(?:\.[^./\\]+)?\.ya?ml$/.test(file);
}

function plaintextCredential(name: string, value: string): boolean {
  if (credentialKind(name) === undefined) return false;
  return (
    value.length >= 4 &&
    !isNoise(value) &&
    !isPlainScalar(value) &&
    !isLocator(value) &&
    !isUuid(value) &&
    !isHashNotation(value)
  );
}

/** Plaintext credential values under `config:`; YAML that does not parse yields nothing. */
export function scanPulumiConfig(content: string): Detection[] {
  const doc = parseDocument(content, { keepSourceTokens: false, uniqueKeys: false });
  if (doc.errors.length > 0) return [];
  const config = doc.get("config", true);
  const found: Detection[] = [];
  const visit = (name: string, node: unknown) => {
    if (isScalar(node)) {
      if (typeof node.value === "string" && node.range && plaintextCredential(name, node.value)) {
        const [start, end] = node.range;
        // Quoted scalars: report the value inside the quotes.
        const quoted = /^["']/.test(content.slice(start, start + 1)) ? 1 : 0;
        found.push({
          rule: RULE,
          start: start + quoted,
          end: end - quoted,
          secret: node.value,
          engine: "tokenguard",
        });
      }
      return;
    }
    if (isMap(node)) {
      // { secure: v1:… } is ciphertext: fine whatever it holds.
      if (node.items.some((p) => isPair(p) && isScalar(p.key) && p.key.value === "secure")) return;
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        // Pulumi.yaml project config: { value: …, default: … } holds the value under the key's name.
        visit(key === "value" || key === "default" ? name : key, pair.value as Node);
      }
      return;
    }
    if (isSeq(node)) for (const item of node.items) visit(name, item);
  };
  if (isMap(config)) visit("config", config);
  return found;
}
