/**
 * The benchmark corpus: >= 100 MB of realistic source and config files, with copies of the
 * planted-credential corpus (test/scan/corpus.ts; known file, line and class for every
 * credential) and of the look-alike corpus (credential-shaped text that is not a credential)
 * spread through the tree. Deterministic for a seed.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import {
  ALNUM,
  B64,
  HEX,
  credentialMakers,
  lookAlikeCorpus,
  plantedCorpus,
  rng,
  type Planted,
} from "../../test/scan/corpus";

export interface BenchCorpus {
  readonly dir: string;
  readonly bytes: number;
  readonly files: number;
  /** Planted credentials, file paths relative to `dir`, with the line span of each value. */
  readonly planted: readonly (Planted & { endLine: number })[];
  /** Directories holding look-alike copies: any finding there is a false positive. */
  readonly lookAlikeDirs: readonly string[];
}

const WORDS =
  "order customer invoice payment shipment account session cache queue worker handler request response config options result value item list index count total status error retry timeout limit offset page region bucket table record event message channel stream buffer client server router service".split(
    " ",
  );

function filler(r: ReturnType<typeof rng>, kind: string, targetBytes: number): string {
  const m = credentialMakers(r);
  const w = () => WORDS[r.int(WORDS.length)];
  const W = () => {
    const s = w();
    return s[0].toUpperCase() + s.slice(1);
  };
  const lines: string[] = [];
  let size = 0;
  const push = (l: string) => {
    lines.push(l);
    size += l.length + 1;
  };
  while (size < targetBytes) {
    switch (kind) {
      case "ts":
        push(`export async function ${w()}${W()}(${w()}: ${W()}, ${w()}Options = {}) {`);
        push(
          `  const ${w()} = await this.${w()}.${w()}(${w()}, { ${w()}: ${r.int(1000)}, id: "${m.uuid()}" });`,
        );
        push(`  if (!${w()}) throw new Error("${w()} ${w()} not found: " + ${w()}.${w()});`);
        push(`  // ${w()} the ${w()} before the ${w()} is ${w()}ed`);
        push(`  return { ${w()}: ${w()}.${w()}, ${w()}Hash: "${r.pick(HEX, 40)}" };`);
        push("}");
        break;
      case "py":
        push(`def ${w()}_${w()}(self, ${w()}, ${w()}=None):`);
        push(`    """${W()} the ${w()} for a ${w()}."""`);
        push(`    ${w()} = self.${w()}.get(${w()}, ${r.int(100)})`);
        push(`    return {"${w()}": ${w()}, "checksum": "${r.pick(HEX, 64)}"}`);
        push("");
        break;
      case "go":
        push(
          `func (s *${W()}) ${W()}${W()}(ctx context.Context, ${w()} string) (*${W()}, error) {`,
        );
        push(`\t${w()}, err := s.${w()}.${W()}(ctx, ${w()}, ${r.int(500)})`);
        push(`\tif err != nil {\n\t\treturn nil, fmt.Errorf("${w()} %s: %w", ${w()}, err)\n\t}`);
        push(`\treturn ${w()}, nil\n}`);
        break;
      case "yaml":
        push(`${w()}_${w()}:`);
        push(`  ${w()}: ${r.int(10000)}`);
        push(`  ${w()}: "${w()}-${w()}"`);
        push(`  image: registry.internal/${w()}@sha256:${r.pick(HEX, 64)}`);
        break;
      case "json":
        push(
          `  "${w()}-${w()}": { "version": "${r.int(9)}.${r.int(30)}.${r.int(30)}", "integrity": "sha512-${r.pick(B64, 86)}==", "id": "${m.uuid()}" },`,
        );
        break;
      case "md":
        push(`## ${W()} ${w()}`);
        push(
          `The ${w()} ${w()} sends each ${w()} to the ${w()} ${w()}; see \`${w()}.${w()}()\` and ${w()} ${w()} ${w()}.`,
        );
        push("");
        break;
      default:
        push(`${w().toUpperCase()}_${w().toUpperCase()}=${w()}-${r.pick(ALNUM, 8).toLowerCase()}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

const KINDS: [string, string][] = [
  ["ts", "src"],
  ["py", "app"],
  ["go", "internal"],
  ["yaml", "deploy"],
  ["json", "data"],
  ["md", "docs"],
  ["env", "config"],
];

/** Writes the corpus under `dir` (emptied first). */
export function generateBenchCorpus(
  dir: string,
  minBytes = 100 * 1024 * 1024,
  copies = 40,
  seed = 1,
): BenchCorpus {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const r = rng(seed);
  const planted: (Planted & { endLine: number })[] = [];
  const lookAlikeDirs: string[] = [];
  let bytes = 0;
  let files = 0;
  const write = (rel: string, text: string) => {
    const full = path.join(dir, rel);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
    bytes += Buffer.byteLength(text);
    files++;
  };
  for (let k = 0; k < copies; k++) {
    const base = `services/svc-${String(k).padStart(3, "0")}`;
    const corpus = plantedCorpus(1000 + k);
    for (const [name, text] of Object.entries(corpus.files)) write(`${base}/${name}`, text);
    for (const p of corpus.planted) {
      planted.push({
        ...p,
        file: `${base}/${p.file}`,
        endLine: p.line + p.value.split("\n").length - 1,
      });
    }
    const look = `${base}/examples`;
    lookAlikeDirs.push(look);
    for (const [name, text] of Object.entries(lookAlikeCorpus(2000 + k)))
      write(`${look}/${name}`, text);
  }
  for (let i = 0; bytes < minBytes; i++) {
    const [kind, folder] = KINDS[i % KINDS.length];
    const ext = kind === "env" ? "env" : kind;
    const size = 4 * 1024 + r.int(28 * 1024);
    write(
      `${folder}/m${String(i % 97).padStart(2, "0")}/${kind}-${i}.${ext}`,
      filler(r, kind, size),
    );
  }
  return { dir, bytes, files, planted, lookAlikeDirs };
}
