/**
 * JSON Web Tokens (RFC 7519): three base64url segments, the first two JSON objects. A JWT is a
 * bearer credential until it expires. Not reported: the payloads that are public by design —
 * Supabase "anon" keys (the role every browser is given) — and jwt.io's documented sample
 * (subject 1234567890, "John Doe"). Cases follow gitleaks' rules/jwt.go, with our own values.
 */
import { ROTATE, type ScanRule } from "./kit";

function json(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A real-looking JWT: JSON header with alg/typ, JSON payload, not a public or sample token. */
export function plausibleJwt(token: string): boolean {
  const [h, p, sig = ""] = token.split(".");
  const header = json(h);
  const payload = json(p);
  // One readable JSON segment is enough: tokens get mangled in logs and docs, and still work.
  const typed = header !== undefined && ("alg" in header || "typ" in header || "kid" in header);
  if (!typed && payload === undefined) return false;
  if (payload?.role === "anon") return false;
  if (payload?.sub === "1234567890" && payload.name === "John Doe") return false;
  return header?.alg === "none" || sig.length >= 16;
}

export const JWT_RULE: ScanRule = {
  id: "jwt",
  title: "JSON Web Token",
  description:
    "A JSON Web Token (eyJ….eyJ….signature): a bearer credential for whatever issued it. Supabase anon keys and jwt.io's sample token are public and not reported.",
  severity: "medium",
  remediation: `Revoke the session or rotate the signing key if the token has not expired; never commit issued tokens. ${ROTATE}`,
  detectors: [
    {
      pattern:
        /(?<![A-Za-z0-9_\-.])(?<secret>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{0,1024})(?![A-Za-z0-9_\-.])/g,
      keywords: ["eyj"],
      validate: plausibleJwt,
    },
  ],
  cases: {
    tp: [
      (f) =>
        `const token = "${f.b64json({ alg: "HS256", typ: "JWT" })}.${f.b64json({ sub: f.uuid(), iat: 1700000000 + f.int(1e7), scope: "orders:write" })}.${f.b64url(43)}";`,
      (f) =>
        `curl -L -H "Authorization:${f.b64json({ alg: "RS256", kid: f.hex(8) })}.${f.b64json({ iss: "https://auth.internal", aud: "api", exp: 1900000000 })}.${f.b64url(342)}" https://svc.internal`,
      (f) =>
        `SERVICE_ROLE_KEY=${f.b64json({ alg: "HS256", typ: "JWT" })}.${f.b64json({ iss: "supabase", ref: f.alnum(20).toLowerCase(), role: "service_role" })}.${f.b64url(43)}`,
    ],
    fp: [
      (f) =>
        `NEXT_PUBLIC_SUPABASE_ANON_KEY=${f.b64json({ alg: "HS256", typ: "JWT" })}.${f.b64json({ iss: "supabase", ref: f.alnum(20).toLowerCase(), role: "anon" })}.${f.b64url(43)}`,
      (f) =>
        `sample: ${f.b64json({ alg: "HS256", typ: "JWT" })}.${f.b64json({ sub: "1234567890", name: "John Doe", iat: 1516239022 })}.${f.b64url(43)}`,
      'const unsigned = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.";',
      "the header starts with eyJ and the payload with eyJ too",
    ],
  },
};
