/**
 * The shape the codebase keeps: small files and functions, and imports that run one way — pure
 * rules and schemas (no Pulumi), then the Pulumi component and the policies, then the CLI.
 */
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "..");

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    if (statSync(path.join(ROOT, rel)).isDirectory()) return sources(rel);
    return /\.(ts|js)$/.test(name) && !name.endsWith(".d.ts") ? [rel] : [];
  });
}

const LIB = sources("lib");
const CHECKED = [...LIB, ...sources("policy-packs")];

/** Modules with no Pulumi in them: what the component, the pack, report and diff all rely on. */
const PURE = [
  /^lib\/schema\//,
  /^lib\/rules\//,
  /^lib\/rotation\//,
  /^lib\/audit\/canonical\.ts$/,
  /^lib\/(wire|settings|token-hash|sdk-version|peer|package-root)\.ts$/,
];
/** Layers, lowest first: a module may import its own layer and those below, never above. */
const LAYERS: [string, RegExp][] = [
  ["pure", new RegExp(PURE.map((r) => r.source).join("|"))],
  [
    "library",
    /^lib\/(audit|scan|report|check|diff|backends|policy|usage|verify)\/|^lib\/[^/]+\.ts$/,
  ],
  ["cli", /^lib\/cli\//],
];
const layerOf = (file: string) => LAYERS.findIndex(([, re]) => re.test(file));

function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  return [
    ...text.matchAll(
      /(?:^|\n)\s*(?:import|export)(?!\s+type)[^;]*?from\s+"([^"]+)"|require\("([^"]+)"\)/g,
    ),
  ].map((m) => m[1] ?? m[2]);
}

describe("structure", () => {
  it("no file in lib/ or policy-packs/ is over 300 lines", () => {
    const long = CHECKED.map(
      (f) => [f, readFileSync(path.join(ROOT, f), "utf8").split("\n").length] as const,
    ).filter(([, n]) => n > 300);
    assert.deepEqual(long, []);
  });

  it("no function in lib/ or policy-packs/ is over 60 lines", () => {
    const long: string[] = [];
    for (const file of CHECKED) {
      const text = readFileSync(path.join(ROOT, file), "utf8");
      const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
      const visit = (node: ts.Node) => {
        if (ts.isFunctionLike(node) && "body" in node && node.body) {
          const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
          const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
          if (end - start + 1 > 60) long.push(`${file}:${start + 1} (${end - start + 1} lines)`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    assert.deepEqual(long, []);
  });

  it("imports run one way: pure → library → CLI, and the pure layer loads no Pulumi SDK", () => {
    const wrong: string[] = [];
    for (const file of LIB) {
      const layer = layerOf(file);
      assert.ok(layer >= 0, `${file} belongs to no layer`);
      for (const spec of importsOf(file)) {
        if (spec.startsWith(".")) {
          const target = path
            .relative(ROOT, path.resolve(ROOT, path.dirname(file), spec))
            .split(path.sep)
            .join("/");
          const resolved = LIB.find((f) => f === `${target}.ts` || f === `${target}/index.ts`);
          if (resolved && layerOf(resolved) > layer)
            wrong.push(`${file} imports ${resolved} (a higher layer)`);
        } else if (layer === 0 && spec.startsWith("@pulumi/")) {
          wrong.push(`${file} loads ${spec}, but is pure`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  });

  it("the program host imports only Node built-ins and its own folder (it is transpiled alone)", () => {
    const host = LIB.filter((f) => f.startsWith("lib/check/host/"));
    assert.ok(host.length > 0);
    const wrong = host.flatMap((file) =>
      importsOf(file)
        .filter((spec) => !spec.startsWith("node:") && !spec.startsWith("./"))
        .map((spec) => `${file} imports ${spec}`),
    );
    assert.deepEqual(wrong, []);
  });
});
