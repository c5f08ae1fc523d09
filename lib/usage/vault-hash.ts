/**
 * Accessors as an audit device writes them when it HMACs them (the default): each device has its
 * own salt, so every accessor is hashed with every enabled device through Vault's
 * `sys/audit-hash/<path>` (which needs `sudo` on it, and `sudo` on `sys/audit` to list devices).
 * The Vault token is sent only in the X-Vault-Token header and never appears in a message.
 */

export interface VaultConnection {
  readonly address: string;
  readonly token: string;
  readonly namespace?: string;
}

/** A Vault call for hashing that failed; names the call and the fix. */
export class VaultHashError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VaultHashError";
  }
}

async function call(
  vault: VaultConnection,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const url = `${vault.address.replace(/\/+$/, "")}/v1/${path}`;
  let resp: Response;
  try {
    resp = await fetch(url, {
      method,
      headers: {
        "X-Vault-Token": vault.token,
        ...(vault.namespace ? { "X-Vault-Namespace": vault.namespace } : {}),
        "Content-Type": "application/json",
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (e) {
    throw new VaultHashError(`cannot reach Vault at ${vault.address}: ${(e as Error).message}`);
  }
  const text = await resp.text();
  if (!resp.ok) {
    const hint =
      resp.status === 403
        ? ": the token in VAULT_TOKEN needs sudo on sys/audit and sys/audit-hash/*"
        : "";
    throw new VaultHashError(`Vault ${method} ${path} answered ${resp.status}${hint}`);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new VaultHashError(`Vault ${method} ${path} did not answer JSON`);
  }
}

/** The paths of the enabled audit devices. */
export async function auditDevices(vault: VaultConnection): Promise<string[]> {
  const listed = await call(vault, "GET", "sys/audit");
  const data = (listed.data ?? listed) as Record<string, unknown>;
  return Object.entries(data)
    .filter(([, v]) => typeof v === "object" && v !== null && "type" in v)
    .map(([k]) => k.replace(/\/$/, ""));
}

/** hash → accessor, for every accessor under every enabled audit device. */
export async function hashAccessors(
  vault: VaultConnection,
  accessors: readonly string[],
): Promise<{ hashes: Map<string, string>; devices: string[] }> {
  const devices = await auditDevices(vault);
  const hashes = new Map<string, string>();
  for (const device of devices) {
    for (const accessor of accessors) {
      const r = await call(vault, "POST", `sys/audit-hash/${device}`, { input: accessor });
      const hash = (r.data as Record<string, unknown> | undefined)?.hash ?? r.hash;
      if (typeof hash === "string") hashes.set(hash, accessor);
    }
  }
  return { hashes, devices };
}
