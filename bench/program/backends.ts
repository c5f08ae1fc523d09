/** What the program-cost benchmark varies: the backend, and ScopedToken vs raw resources. */
export const BACKENDS = ["random", "vault", "aws-iam", "aws-secret"] as const;
export type BenchBackend = (typeof BACKENDS)[number];
export type BenchMode = "component" | "raw";

/** `tokenguard:now` for every run: 9 days into generation 0 of the anchor the programs use. */
export const BENCH_NOW = "2026-01-10T00:00:00Z";
