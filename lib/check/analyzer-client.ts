/**
 * A client for a policy pack's real analyzer: starts the pack exactly as the Pulumi engine does and
 * drives it over gRPC (GetAnalyzerInfo, Configure, Analyze, AnalyzeStack). `tokenguard check` and
 * the policy tests build on it.
 *
 * ```ts
 * const pack = await AnalyzerClient.start("policy-packs/tokenguard", { project: "app", stack: "dev" });
 * try {
 *   await pack.configure(); // schema defaults, as `pulumi preview --policy-pack` sends them
 *   const violations = await pack.analyze({ type: "vault:index/token:Token", name: "t", props: {} });
 * } finally {
 *   await pack.stop();
 * }
 * ```
 *
 * How the engine starts a Node pack: `node <@pulumi/pulumi/cmd/run-policy-pack, resolved from the pack dir>
 * <engine-address> <pack-dir>`, cwd = the pack directory, env PULUMI_NODEJS_{ORGANIZATION,PROJECT,
 * STACK,DRY_RUN} and PULUMI_CONFIG (stack config as JSON). run-policy-pack drops the engine address
 * unused (policies log to stderr), so no engine server is needed. The pack prints its port as the
 * first line of stdout and serves on 127.0.0.1.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient as GrpcAnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import {
  normalizePackConfig,
  reconcilePackConfig,
  type PackConfig,
  type PolicyConfigEntry,
} from "./pack-config";
import {
  analyzerInfoFrom,
  LEVEL_CODES,
  options,
  provider,
  toStruct,
  urnOf,
  violations,
  type AnalyzerInfo,
  type ResourceInput,
  type Violation,
} from "./analyzer-proto";
import { killGroup, spawnGroup } from "./process-group";

/** The sentinel the engine sends for a value not known during preview (re-exported for callers). */
export { UNKNOWN } from "../wire";

export type {
  AnalyzerInfo,
  EnforcementLevel,
  PolicyInfo,
  ProviderInput,
  ResourceInput,
  ResourceOptions,
  Severity,
  Violation,
} from "./analyzer-proto";
export { urnOf } from "./analyzer-proto";
export type { PackConfig };

export interface StartOptions {
  readonly organization?: string;
  readonly project?: string;
  readonly stack?: string;
  /** Whether this is a preview (PULUMI_NODEJS_DRY_RUN). @default true */
  readonly dryRun?: boolean;
  /** Stack config the pack sees (PULUMI_CONFIG), e.g. `{ "tokenguard:policyFile": "..." }`. */
  readonly config?: Record<string, string>;
  /** The directory `pulumi` would run in (env PWD): where the pack resolves relative paths. */
  readonly projectDir?: string;
  /** Extra environment for the pack process. */
  readonly env?: Record<string, string>;
  /** How long to wait for the pack's port. @default 120000 */
  readonly timeoutMs?: number;
}

/**
 * The URN the engine gives a resource: `urn:pulumi:<stack>::<project>::<parent types$>type::name`.
 * The parent's whole type chain is kept, except the root `pulumi:pulumi:Stack`, which never appears.
 */
/** A pack process and a gRPC connection to its analyzer. Always `stop()` it. */
export class AnalyzerClient {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: GrpcAnalyzerClient,
    private readonly stderrChunks: string[],
    readonly project: string,
    readonly stack: string,
    /** The port the analyzer serves on (127.0.0.1). */
    readonly port: number,
  ) {}

  /** Starts the pack in `packDir` the way the engine does and connects to it. */
  static async start(packDir: string, options: StartOptions = {}): Promise<AnalyzerClient> {
    const dir = path.resolve(packDir);
    if (!existsSync(path.join(dir, "PulumiPolicy.yaml"))) {
      throw new Error(`${dir} is not a policy pack: it has no PulumiPolicy.yaml`);
    }
    let runner: string;
    try {
      // As the Node language host finds it: Node's resolution from the pack's directory upward.
      runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [dir] });
    } catch {
      throw new Error(
        `the policy pack in ${dir} cannot find @pulumi/pulumi; install it in the project that runs the pack (npm install @pulumi/pulumi)`,
      );
    }
    const project = options.project ?? "project";
    const stack = options.stack ?? "stack";
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PULUMI_NODEJS_ORGANIZATION: options.organization ?? "organization",
      PULUMI_NODEJS_PROJECT: project,
      PULUMI_NODEJS_STACK: stack,
      PULUMI_NODEJS_DRY_RUN: String(options.dryRun ?? true),
      PULUMI_CONFIG: JSON.stringify(options.config ?? {}),
      ...(options.projectDir ? { PWD: path.resolve(options.projectDir) } : {}),
      ...options.env,
    };
    // run-policy-pack ignores its first argument (the engine address): any placeholder will do.
    // Its own process group: killed whole by stop(), and when this process exits or is stopped.
    const child = spawnGroup(process.execPath, [runner, "127.0.0.1:0", dir], {
      cwd: dir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stderr: string[] = [];
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => stderr.push(chunk));
    let port: number;
    try {
      port = await firstLinePort(child, stderr, options.timeoutMs ?? 120_000);
    } catch (e) {
      killGroup(child);
      throw e;
    }
    const client = new GrpcAnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new AnalyzerClient(child, client, stderr, project, stack, port);
  }

  /** Everything the pack wrote to stderr so far (policies log there). */
  get stderr(): string {
    return this.stderrChunks.join("");
  }

  /** GetAnalyzerInfo: the pack's name, version and served policies. */
  async info(): Promise<AnalyzerInfo> {
    return analyzerInfoFrom(
      await this.call<Empty, pb.AnalyzerInfo>("getAnalyzerInfo", new Empty()),
    );
  }

  /**
   * Configure, as `pulumi preview --policy-pack [--policy-pack-config]` does: each policy gets its
   * schema's defaults and its own level, then the pack's initial config, then `config` ("all" sets
   * every level); the result is validated against the config schemas (PackConfigError names the
   * policy and property). Returns what was sent.
   */
  async configure(config: PackConfig = {}): Promise<Record<string, PolicyConfigEntry>> {
    const info = await this.info();
    const reconciled = reconcilePackConfig(
      info.policies,
      info.initialConfig,
      normalizePackConfig(config, "policy pack config"),
    );
    await this.configureExactly(reconciled);
    return reconciled;
  }

  /** Configure with exactly these levels and properties per policy. */
  async configureExactly(config: Record<string, PolicyConfigEntry>): Promise<void> {
    const request = new pb.ConfigureAnalyzerRequest();
    const map = request.getPolicyconfigMap();
    for (const [policy, { level, properties }] of Object.entries(config)) {
      const entry = new pb.PolicyConfig();
      entry.setEnforcementlevel(LEVEL_CODES[level]);
      entry.setProperties(toStruct(properties));
      map.set(policy, entry);
    }
    await this.call<pb.ConfigureAnalyzerRequest, Empty>("configure", request);
  }

  /** Analyze one resource (its inputs), as the engine does before each step. */
  async analyze(resource: ResourceInput): Promise<Violation[]> {
    const urn = resource.urn ?? this.urnFor(resource);
    const request = new pb.AnalyzeRequest();
    request.setType(resource.type);
    request.setName(resource.name);
    request.setUrn(urn);
    request.setProperties(toStruct(resource.props ?? {}));
    request.setOptions(options(resource));
    if (resource.provider) request.setProvider(provider(resource.provider));
    return violations(await this.call<pb.AnalyzeRequest, pb.AnalyzeResponse>("analyze", request));
  }

  /** AnalyzeStack: every resource of the stack (their outputs), parents and dependencies. */
  async analyzeStack(resources: readonly ResourceInput[]): Promise<Violation[]> {
    const request = new pb.AnalyzeStackRequest();
    request.setResourcesList(
      resources.map((resource) => {
        const r = new pb.AnalyzerResource();
        r.setType(resource.type);
        r.setName(resource.name);
        r.setUrn(resource.urn ?? this.urnFor(resource));
        r.setProperties(toStruct(resource.props ?? {}));
        r.setOptions(options(resource));
        if (resource.provider) r.setProvider(provider(resource.provider));
        if (resource.parent) r.setParent(resource.parent);
        r.setDependenciesList([...(resource.dependencies ?? [])]);
        for (const [prop, urns] of Object.entries(resource.propertyDependencies ?? {})) {
          if (urns.length === 0) continue; // the engine leaves out properties without dependencies
          const deps = new pb.AnalyzerPropertyDependencies();
          deps.setUrnsList([...urns]);
          r.getPropertydependenciesMap().set(prop, deps);
        }
        return r;
      }),
    );
    return violations(
      await this.call<pb.AnalyzeStackRequest, pb.AnalyzeResponse>("analyzeStack", request),
    );
  }

  /** The URN the engine would give `resource` in this client's project and stack. */
  urnFor(resource: Pick<ResourceInput, "type" | "name" | "parent">): string {
    return urnOf(this.project, this.stack, resource.type, resource.name, resource.parent);
  }

  /** Closes the connection and ends the pack process. */
  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      this.child.once("exit", () => resolve());
      killGroup(this.child);
    });
  }

  private call<Req, Res>(method: string, request: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      type Unary = (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => void;
      const fn = (this.client as unknown as Record<string, Unary>)[method].bind(this.client);
      fn(request, (err, response) => {
        if (err) reject(new Error(`${method} failed: ${err.details || err.message}`));
        else resolve(response);
      });
    });
  }
}

function firstLinePort(child: ChildProcess, stderr: string[], timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = "";
    let settled = false;
    const settle = (port: number | undefined, why = "") => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (port !== undefined) return resolve(port);
      const tail = stderr.join("").trim().split("\n").slice(-20).join("\n");
      reject(new Error(`the policy pack ${why}${tail ? `:\n${tail}` : ""}`));
    };
    const timer = setTimeout(
      () => settle(undefined, `printed no port within ${timeoutMs} ms`),
      timeoutMs,
    );
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const newline = out.indexOf("\n");
      if (newline < 0) return;
      const line = out.slice(0, newline).trim();
      const port = /^\d+$/.test(line) ? Number(line) : undefined;
      settle(port, `printed ${JSON.stringify(line.slice(0, 80))} instead of its port`);
    });
    child.once("exit", (code, signal) =>
      settle(undefined, `exited (${signal ?? `code ${code}`}) before serving`),
    );
  });
}
