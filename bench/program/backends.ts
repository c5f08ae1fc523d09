/** What the program-cost benchmark varies: the backend, and ScopedToken vs raw resources. */
export const BACKENDS = ["random", "vault", "aws-iam", "aws-secret"] as const;
export type BenchBackend = (typeof BACKENDS)[number];
/**
 * component: ScopedTokens. raw: the same provider resources by hand, as users write them.
 * raw-lean: raw, declared inside the same promise-stack window a ScopedToken uses
 * (lib/promise-stacks) — what is left of the component's cost once that saving is shared.
 */
export const MODES = ["component", "raw", "raw-lean"] as const;
export type BenchMode = (typeof MODES)[number];

/** `tokenguard:now` for every run: 9 days into generation 0 of the anchor the programs use. */
export const BENCH_NOW = "2026-01-10T00:00:00Z";
