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
  return (header ? `# ${header.replace(/\n/g, " ")}\n` : "") + blocks.join("\n");
}
