/**
 * Canonical JSON (RFC 8785, JCS) for the values a ledger record holds: objects, arrays, strings,
 * safe integers, booleans and null. For that domain JCS is exactly "keys sorted by UTF-16 code
 * units, no whitespace, ECMAScript JSON.stringify for strings and integers", so it fits in a few
 * lines with no dependency (this code also runs inside the ledger's dynamic provider).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      throw new TypeError(`canonicalJson: ${value} is not a safe integer (records hold no floats)`);
    }
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  throw new TypeError(`canonicalJson: cannot serialize a ${typeof value}`);
}
