/**
 * What users install, installed the way they install it: `npm pack` of this repository, then a fresh
 * project in the system temp directory (outside the repository, so nothing resolves from it) that
 * installs only the tarball and the Pulumi packages a user would.
 */
import { readFileSync } from "node:fs";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { run, type RunResult } from "../e2e/harness";

export const REPO = path.resolve(__dirname, "../..");
const pkg = JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as {
  version: string;
  devDependencies: Record<string, string>;
};
export const VERSION = pkg.version;

/** The version this repository tests with, for a package users add beside tokenguard. */
export const testedVersion = (name: string): string => {
  const v = pkg.devDependencies[name];
  if (!v) throw new Error(`${name} is not a devDependency of the repository`);
  return v;
};

const npm = (args: string[], cwd: string, allowFail = false): Promise<RunResult> =>
  run("npm", args, {
    cwd,
    env: {
      ...process.env,
      npm_config_audit: "false",
      npm_config_fund: "false",
      npm_config_update_notifier: "false",
    },
    allowFail,
    timeoutMs: 600_000,
  });

let tarball: Promise<string> | undefined;

/** `npm pack` of the built repository, once per test run; the path of the .tgz. */
export function packTarball(): Promise<string> {
  tarball ??= (async () => {
    const out = await fs.promises.mkdtemp(path.join(os.tmpdir(), "tg-pack-"));
    await npm(["run", "build", "--silent"], REPO);
    const r = await npm(["pack", "--json", "--pack-destination", out], REPO);
    const [{ filename }] = JSON.parse(r.stdout) as { filename: string }[];
    return path.join(out, filename);
  })();
  return tarball;
}

export interface FreshProject {
  readonly dir: string;
  /** Runs a command in the project (or a subfolder) with node_modules/.bin first on PATH. */
  sh(
    command: string,
    opts?: { cwd?: string; env?: NodeJS.ProcessEnv; allowFail?: boolean },
  ): Promise<RunResult>;
  write(files: Record<string, string>): Promise<void>;
  remove(): Promise<void>;
}

/** The tsconfig of Pulumi's TypeScript template: strict, no skipLibCheck. */
export const TEMPLATE_TSCONFIG = JSON.stringify(
  {
    compilerOptions: {
      strict: true,
      outDir: "bin",
      target: "es2020",
      module: "commonjs",
      moduleResolution: "node",
      sourceMap: true,
      experimentalDecorators: true,
      pretty: true,
      noFallthroughCasesInSwitch: true,
      noImplicitReturns: true,
      forceConsistentCasingInFileNames: true,
    },
  },
  null,
  2,
);

/**
 * A new npm project outside the repository with `dependencies` (name → version; "tokenguard" is
 * the packed tarball) installed by `npm install`, as a user's first install.
 */
export async function freshProject(dependencies: Record<string, string>): Promise<FreshProject> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "tg-user-"));
  const deps = { ...dependencies };
  if (deps.tokenguard !== undefined) deps.tokenguard = `file:${await packTarball()}`;
  await fs.promises.writeFile(
    path.join(dir, "package.json"),
    JSON.stringify({ name: "acme-infra", private: true, dependencies: deps }, null, 2),
  );
  await npm(["install", "--prefer-offline"], dir);
  const project: FreshProject = {
    dir,
    sh: (command, opts = {}) =>
      run("bash", ["-c", command], {
        cwd: opts.cwd ? path.resolve(dir, opts.cwd) : dir,
        env: {
          ...process.env,
          ...opts.env,
          PATH: `${path.join(dir, "node_modules", ".bin")}${path.delimiter}${opts.env?.PATH ?? process.env.PATH}`,
        },
        allowFail: opts.allowFail,
        timeoutMs: 600_000,
      }),
    async write(files) {
      for (const [file, text] of Object.entries(files)) {
        await fs.promises.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
        await fs.promises.writeFile(path.join(dir, file), text);
      }
    },
    remove: () => fs.promises.rm(dir, { recursive: true, force: true }),
  };
  return project;
}

/** A Pulumi.yaml for a TypeScript program in a subfolder of the project. */
export const pulumiYaml = (name: string): string =>
  `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n`;
