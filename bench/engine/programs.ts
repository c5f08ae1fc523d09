/**
 * The programs the engine benchmark previews, one per size and variant, all of the random backend:
 *
 *   component  N ScopedTokens, declared as the README shows (no anchor: each token's schedule is
 *              jittered by its name), importing the compiled library as users import the package
 *   raw        the same provider resources those N tokens create, declared by hand: the control
 *   wrapped    the raw resources, each token's under a plain ComponentResource of its own that does
 *              nothing else — what any component costs the engine, apart from ScopedToken's own work
 *
 * With the clock pinned (tokenguard:now, BENCH_NOW) the live generations are a pure function of
 * the token's name, so {@link liveGenerations} lists exactly the RandomPasswords the component
 * creates; bench/test/engine-programs.test.ts proves it under the SDK's mocks.
 */
import * as path from "node:path";
import { TOKEN_ALPHABET_SPECIALS, tokenLength, RANDOM_MIN_BYTES } from "../../lib/backends/random";
import { parseDuration } from "../../lib/schema/duration";
import { jitteredAnchor, liveSet } from "../../lib/rotation/schedule";
import { parseInstant } from "../../lib/rotation/clock";

export const VARIANTS = ["component", "raw", "wrapped"] as const;
export type Variant = (typeof VARIANTS)[number];

/** The engine's clock for every bench stack (`tokenguard:now`). */
export const BENCH_NOW = "2026-01-31T06:00:00Z";
export const BENCH_PROJECT = "bench";
export const BENCH_STACK = "bench";

/** One token as the programs declare it (the README's random example). */
export const TOKEN = {
  backend: "random",
  scopes: ["orders:read"],
  ttl: "31d",
  rotation: { every: "30d", overlap: "1d" },
  owner: "team-bench",
  purpose: "benchmark token",
} as const;

/** The generation numbers live for token `name` at BENCH_NOW, oldest first. */
export function liveGenerations(
  name: string,
  project = BENCH_PROJECT,
  stack = BENCH_STACK,
): number[] {
  const ttl = parseDuration(TOKEN.ttl);
  const every = parseDuration(TOKEN.rotation.every);
  const overlap = parseDuration(TOKEN.rotation.overlap);
  const anchor = jitteredAnchor(`${project}/${stack}/${name}`, every);
  const live = liveSet({ ttl, every, overlap, anchor }, parseInstant(BENCH_NOW));
  return [...(live.previous ? [live.previous.n] : []), live.current.n];
}

const RAW_ARGS = JSON.stringify({
  length: tokenLength(RANDOM_MIN_BYTES),
  upper: true,
  lower: true,
  numeric: true,
  special: true,
  overrideSpecial: TOKEN_ALPHABET_SPECIALS,
});
const SECRET_OUTPUTS = '{ additionalSecretOutputs: ["result", "bcryptHash"] }';

/** index.ts of one variant at size `n`; `lib` is the compiled library, relative to the program. */
export function programSource(variant: Variant, n: number, lib: string): string {
  if (variant === "component") {
    return [
      `import { ScopedToken } from ${JSON.stringify(lib)};`,
      `const token = ${JSON.stringify(TOKEN)} as const;`,
      `for (let i = 0; i < ${n}; i++) new ScopedToken(\`svc-\${i}\`, token);`,
      "",
    ].join("\n");
  }
  // The live generations differ per token (jittered anchors): listed, as a hand-written program would.
  const gens = Array.from({ length: n }, (_, i) => liveGenerations(`svc-${i}`));
  const head = [
    'import * as pulumi from "@pulumi/pulumi";',
    'import * as random from "@pulumi/random";',
    `const args = ${RAW_ARGS};`,
    `const live: number[][] = ${JSON.stringify(gens)};`,
  ];
  if (variant === "raw") {
    return [
      ...head,
      "live.forEach((gens, i) => {",
      "  for (const g of gens) {",
      `    new random.RandomPassword(\`svc-\${i}-g\${g}\`, args, ${SECRET_OUTPUTS});`,
      "  }",
      "});",
      "",
    ].join("\n");
  }
  return [
    ...head,
    "class Wrapper extends pulumi.ComponentResource {",
    "  constructor(name: string, gens: number[]) {",
    '    super("bench:index:Wrapper", name, {});',
    "    for (const g of gens) {",
    `      new random.RandomPassword(\`\${name}-g\${g}\`, args, { ...${SECRET_OUTPUTS}, parent: this });`,
    "    }",
    "    this.registerOutputs({});",
    "  }",
    "}",
    "live.forEach((gens, i) => new Wrapper(`svc-${i}`, gens));",
    "",
  ].join("\n");
}

/** Pulumi.yaml of a bench program (TypeScript, as `pulumi new typescript` makes it). */
export function projectFile(): string {
  return `name: ${BENCH_PROJECT}\nmain: index.ts\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n`;
}

/** The library as a program in `dir` imports it (a relative path, POSIX separators). */
export function libImport(dir: string, lib: string): string {
  const rel = path.relative(dir, lib).split(path.sep).join("/");
  return rel.startsWith(".") ? rel : `./${rel}`;
}
