import type { TokenDeclaration } from "../../lib/schema/token";

/** A vault token every rule accepts; each test case mutates one field. */
export function goodToken(overrides: Partial<TokenDeclaration> = {}): TokenDeclaration {
  return {
    name: "ci",
    backend: "vault",
    scopes: ["secret/data/ci/*:read,list"],
    ttl: "31d",
    rotation: { every: "30d", overlap: "1d" },
    owner: "team-platform",
    purpose: "CI deploy pipeline",
    ...overrides,
  };
}

/** The non-secret summary a ScopedToken built from goodToken() gives super(): what the pack sees. */
export function goodSummary(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...goodToken(),
    generation: 3,
    rotatesAt: "2026-02-01T00:00:00Z",
    expiresAt: "2026-02-02T00:00:00Z",
    ...overrides,
  };
}
