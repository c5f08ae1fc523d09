/**
 * `tokenguard:*` stack config, read in one place: the component reads it through Pulumi's config,
 * the policy pack from the PULUMI_CONFIG the engine hands it. Pure over a getter, so both (and the
 * tests) read the same keys with the same validation.
 */
import { parseInstant } from "./rotation/clock";

/** Every `tokenguard:` config key. */
export const SETTING_KEYS = [
  "policyFile",
  "now",
  "enforcement",
  "ledger",
  "ledgerKey",
  "ledgerRetention",
  "ledgerEndpoint",
  "ledgerRegion",
] as const;

export type SettingKey = (typeof SETTING_KEYS)[number];

export interface Settings {
  /** `tokenguard:policyFile`: the policy file, relative to the program's directory. */
  readonly policyFile?: string;
  /** `tokenguard:now`: a pinned clock (RFC 3339) for previews and tests. */
  readonly now?: string;
  /** `tokenguard:enforcement`: "error" refuses mandatory violations in the program; "advisory" warns. */
  readonly enforcement: "error" | "advisory";
  /** `tokenguard:ledger` and its S3 options, when a ledger is configured (the key is read apart, as a secret). */
  readonly ledger?: {
    readonly location: string;
    readonly region?: string;
    readonly endpoint?: string;
    readonly retention?: string;
  };
}

/** A `tokenguard:` config value that cannot be used; the message names the key and the fix. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

const present = (value: string | undefined) =>
  value === undefined || value.trim() === "" ? undefined : value;

/** Reads and validates the settings; `get(key)` returns the value of `tokenguard:<key>`. */
export function readSettings(get: (key: SettingKey) => string | undefined): Settings {
  const enforcement = present(get("enforcement")) ?? "error";
  if (enforcement !== "error" && enforcement !== "advisory") {
    throw new SettingsError(
      `config tokenguard:enforcement is "${enforcement}"; use "error" or "advisory"`,
    );
  }
  const now = present(get("now"));
  if (now !== undefined) {
    try {
      parseInstant(now);
    } catch (e) {
      throw new SettingsError(`config tokenguard:now ${(e as Error).message}`);
    }
  }
  const policyFile = present(get("policyFile"));
  const location = present(get("ledger"));
  const optional = (key: SettingKey) => {
    const v = present(get(key));
    return v === undefined ? {} : { [key.replace(/^ledger/, "").toLowerCase()]: v };
  };
  return {
    enforcement,
    ...(now !== undefined ? { now } : {}),
    ...(policyFile !== undefined ? { policyFile } : {}),
    ...(location !== undefined
      ? {
          ledger: {
            location,
            ...optional("ledgerRegion"),
            ...optional("ledgerEndpoint"),
            ...optional("ledgerRetention"),
          },
        }
      : {}),
  };
}

/**
 * `tokenguard:` keys in `config` (full "ns:key" names, as the engine passes them) that tokenguard
 * does not read — a misspelt setting would otherwise silently not apply.
 */
export function unknownSettingKeys(config: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(config)
    .filter((k) => k.startsWith("tokenguard:"))
    .map((k) => k.slice("tokenguard:".length))
    .filter((k) => !(SETTING_KEYS as readonly string[]).includes(k));
}

/**
 * One `tokenguard:` setting from the engine's PULUMI_CONFIG (JSON of "ns:key" → value), which is
 * how a policy pack sees stack config.
 */
export function engineSetting(
  key: SettingKey,
  json: string | undefined = process.env.PULUMI_CONFIG,
): string | undefined {
  let config: Record<string, unknown>;
  try {
    config = json ? (JSON.parse(json) as Record<string, unknown>) : {};
  } catch {
    return undefined;
  }
  const value = config[`tokenguard:${key}`] ?? config[`tokenguard:config:${key}`];
  return typeof value === "string" ? present(value) : undefined;
}
