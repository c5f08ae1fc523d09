/**
 * Names and values the engine derives as it registers resources, as the analyzer sees them: the
 * name of a package's default provider, and the seconds of a custom timeout (pure).
 */
import { parseGoDuration } from "../schema/duration";

/** `default_4_21_2`: the name the engine gives a package's default provider (ProviderRequest.DefaultName). */
export function defaultProviderName(version: string, pluginDownloadURL = ""): string {
  let name = "default";
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/.exec(version);
  if (m) {
    name += `_${m[1]}_${m[2]}_${m[3]}`;
    for (const part of m[4]?.split(".") ?? []) name += `_${part}`;
    for (const part of m[5]?.split(".") ?? []) name += `_${part}`;
  }
  if (pluginDownloadURL) name += `_${intoQName(pluginDownloadURL)}`;
  return name;
}

/** tokens.IntoQName: every character outside [A-Za-z0-9_.-] becomes "_", per "/"-separated part. */
function intoQName(s: string): string {
  const parts = s
    .split("/")
    .filter((p) => p !== "")
    .map((p) => p.replace(/[^A-Za-z0-9_.-]/g, "_"));
  return parts.join("/") || "_";
}

/** A Go duration ("1h30m", "5m", "300ms") in seconds; "" (and anything else) is 0. */
export function goDurationSeconds(text: string): number {
  return parseGoDuration(text) ?? 0;
}
