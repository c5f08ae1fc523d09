/**
 * The stack's `tokenguard:*` config, as a program reads it (through Pulumi's config), validated by
 * lib/settings. Warnings about settings that are out of place are given once per program run.
 */
import * as pulumi from "@pulumi/pulumi";
import { readSettings, SettingsError, unknownSettingKeys, type Settings } from "./settings";

let warned = false;

/** The settings; a bad value fails the program with a message naming the key and the fix. */
export function stackSettings(): Settings {
  const config = new pulumi.Config("tokenguard");
  let settings: Settings;
  try {
    settings = readSettings((key) => config.get(key));
  } catch (e) {
    if (e instanceof SettingsError) throw new pulumi.RunError(e.message);
    throw e;
  }
  if (!warned) {
    warned = true;
    warnOnce(settings);
  }
  return settings;
}

function warnOnce(settings: Settings): void {
  const unknown = unknownSettingKeys(pulumi.runtime.allConfig());
  if (unknown.length) {
    void pulumi.log.warn(
      `config ${unknown.map((k) => `tokenguard:${k}`).join(", ")} is not a tokenguard setting and does nothing; the settings are tokenguard:policyFile, now, enforcement, ledger, ledgerKey, ledgerRetention, ledgerEndpoint, ledgerRegion`,
    );
  }
  if (settings.now !== undefined && !pulumi.runtime.isDryRun()) {
    void pulumi.log.warn(
      `config tokenguard:now pins the clock at ${settings.now}, so rotation is frozen at that instant during this update: no generation is issued or retired after it. It is meant for previews and tests; remove it (pulumi config rm tokenguard:now) for real rotation`,
    );
  }
}
