/**
 * A small Pulumi resource-provider gRPC server for the stand-in providers.
 *
 * Why not `main()` from `@pulumi/pulumi/provider`: its server ignores the provider configuration
 * (its Configure never passes `vault:address` / `vault:token` to the provider, and the `Provider`
 * interface has no configure hook), answers CheckConfig/DiffConfig with "unimplemented" and cannot
 * return a detailed diff. So this file implements the ResourceProvider service itself, on the
 * generated stubs and protobuf classes that ship in `@pulumi/pulumi/proto` and on the
 * `@grpc/grpc-js` that `@pulumi/pulumi` depends on — the same wire protocol, about 250 lines.
 *
 * Those modules are loaded from the `@pulumi/pulumi` that the Pulumi program uses: the engine
 * starts a provider plugin in the program's directory, so it is found from the current directory
 * upward (the compiled stand-ins live in the engine cache, outside any node_modules).
 *
 * Protocol choices (answered in Configure; the stand-ins do not implement Handshake):
 * - acceptSecrets: inputs arrive with their secret markers and outputs are returned with them,
 *   exactly like the real (bridged) providers, which mark schema-secret outputs themselves;
 * - supportsPreview: false, so during a preview the engine does not call Create/Update and the
 *   program sees every computed output as unknown (what the real providers report too);
 * - acceptResources: false (resource references arrive as plain ids).
 */
import { createRequire } from "node:module";
import * as path from "node:path";
import type * as grpcModule from "@grpc/grpc-js";
import type * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import type { CheckFailure } from "@pulumi/pulumi/provider";
import { compact, sameValue, type Props } from "./props";

export type DiffKind =
  "add" | "add-replace" | "delete" | "delete-replace" | "update" | "update-replace";

export interface CheckArgs {
  readonly urn: string;
  readonly name: string;
  readonly olds: Props;
  readonly news: Props;
  /** Engine-supplied seed for deterministic auto-naming (empty on old engines). */
  readonly randomSeed: Buffer;
}

export interface CheckOutcome {
  readonly inputs: Props;
  readonly failures?: CheckFailure[];
}

export interface DiffArgs {
  readonly id: string;
  readonly urn: string;
  /** The old *outputs* (state): bridged providers plan against the state, not the old inputs. */
  readonly olds: Props;
  readonly news: Props;
  readonly oldInputs: Props;
}

export interface DiffOutcome {
  readonly changes: boolean;
  readonly replaces: string[];
  readonly detailedDiff: Record<string, DiffKind>;
  readonly deleteBeforeReplace?: boolean;
}

export interface ResourceHandler {
  check?(args: CheckArgs): Promise<CheckOutcome> | CheckOutcome;
  diff(args: DiffArgs): Promise<DiffOutcome> | DiffOutcome;
  create(args: { urn: string; inputs: Props }): Promise<{ id: string; outs: Props }>;
  /** `undefined` = the resource no longer exists (the engine drops it from the state). */
  read?(args: {
    id: string;
    urn: string;
    state: Props;
    inputs: Props;
  }): Promise<{ id: string; outs: Props; inputs: Props } | undefined>;
  update?(args: DiffArgs): Promise<{ outs: Props }>;
  delete?(args: { id: string; urn: string; state: Props }): Promise<void>;
}

export interface StandInProvider {
  /** Package name, e.g. "random". */
  readonly name: string;
  /** Reported by GetPluginInfo: the version the npm SDK asks for. */
  readonly version: string;
  /** By type token, e.g. "random:index/randomBytes:RandomBytes". */
  readonly resources: Record<string, ResourceHandler>;
  /** Provider configuration (keys without the "<pkg>:" prefix), secrets still marked. */
  configure?(config: Props): void;
  checkConfig?(news: Props): CheckFailure[];
}

/** The engine's Struct values may carry nulls; `undefined` is not representable. */
function toStructValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : toStructValue(x)));
  if (typeof v === "object" && v !== null) {
    const out: Props = {};
    for (const [k, x] of Object.entries(compact(v as Props))) out[k] = toStructValue(x);
    return out;
  }
  return v;
}

interface Runtime {
  grpc: typeof grpcModule;
  provrpc: {
    ResourceProviderService: grpcModule.ServiceDefinition;
  };
  provpb: typeof providerPb;
  pluginpb: { PluginInfo: new () => { setVersion(v: string): void } };
  structpb: {
    Struct: { fromJavaScript(o: Record<string, unknown>): unknown };
  };
  emptypb: { Empty: new () => unknown };
}

/** Loads gRPC and the protocol classes from the program's own @pulumi/pulumi. */
function loadRuntime(): Runtime {
  const tried: string[] = [];
  for (const from of [path.join(process.cwd(), "_"), __filename]) {
    try {
      const pkgJson = createRequire(from).resolve("@pulumi/pulumi/package.json");
      const req = createRequire(pkgJson);
      return {
        grpc: req("@grpc/grpc-js"),
        provrpc: req("./proto/provider_grpc_pb"),
        provpb: req("./proto/provider_pb"),
        pluginpb: req("./proto/plugin_pb"),
        structpb: req("google-protobuf/google/protobuf/struct_pb"),
        emptypb: req("google-protobuf/google/protobuf/empty_pb"),
      };
    } catch {
      tried.push(path.dirname(from));
    }
  }
  throw new Error(
    `cannot find @pulumi/pulumi from ${tried.join(" or ")}: the stand-in providers load gRPC ` +
      "and the provider protocol from the program's own @pulumi/pulumi",
  );
}

/** Type token of a URN: `urn:pulumi:<stack>::<project>::<qualified type>::<name>`. */
function typeOf(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.split("$").pop() ?? "";
}

function nameOf(urn: string): string {
  return urn.split("::").slice(3).join("::");
}

interface StructLike {
  toJavaScript(): Record<string, unknown>;
}

function js(s: StructLike | undefined): Props {
  return s ? (s.toJavaScript() as Props) : {};
}

type Callback = (err: unknown, value?: unknown) => void;
type Call = { request: Record<string, (...a: unknown[]) => unknown> };

/** Starts the server and prints its port, as the engine expects from a plugin. */
export async function serve(provider: StandInProvider): Promise<void> {
  const rt = loadRuntime();
  const { grpc, provpb } = rt;
  const struct = (o: Props) => rt.structpb.Struct.fromJavaScript(toStructValue(o) as Props);

  const fail = (cb: Callback, e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    cb(Object.assign(new Error(message), { code: grpc.status.UNKNOWN, details: message }));
  };
  const handler = (urn: string): ResourceHandler => {
    const h = provider.resources[typeOf(urn)];
    if (!h) {
      throw new Error(
        `the ${provider.name} stand-in provider does not implement resource type "${typeOf(urn)}"`,
      );
    }
    return h;
  };
  // Each RPC: run `fn`, answer its result, or answer its error as a gRPC error.
  const rpc =
    (fn: (req: Call["request"]) => unknown | Promise<unknown>) => (call: Call, cb: Callback) => {
      Promise.resolve()
        .then(() => fn(call.request))
        .then(
          (resp) => cb(null, resp),
          (e) => fail(cb, e),
        );
    };
  const kinds: Record<DiffKind, number> = {
    add: provpb.PropertyDiff.Kind.ADD,
    "add-replace": provpb.PropertyDiff.Kind.ADD_REPLACE,
    delete: provpb.PropertyDiff.Kind.DELETE,
    "delete-replace": provpb.PropertyDiff.Kind.DELETE_REPLACE,
    update: provpb.PropertyDiff.Kind.UPDATE,
    "update-replace": provpb.PropertyDiff.Kind.UPDATE_REPLACE,
  };
  const diffResponse = (d: DiffOutcome) => {
    const resp = new provpb.DiffResponse();
    resp.setChanges(
      d.changes
        ? provpb.DiffResponse.DiffChanges.DIFF_SOME
        : provpb.DiffResponse.DiffChanges.DIFF_NONE,
    );
    resp.setReplacesList(d.replaces);
    resp.setDiffsList(Object.keys(d.detailedDiff));
    resp.setDeletebeforereplace(Boolean(d.deleteBeforeReplace));
    resp.setHasdetaileddiff(true);
    const detailed = resp.getDetaileddiffMap();
    for (const [k, kind] of Object.entries(d.detailedDiff)) {
      const pd = new provpb.PropertyDiff();
      pd.setKind(kinds[kind] as providerPb.PropertyDiff.Kind);
      pd.setInputdiff(false);
      detailed.set(k, pd);
    }
    return resp;
  };
  const failuresOf = (failures: CheckFailure[] | undefined) =>
    (failures ?? []).map((f) => {
      const cf = new provpb.CheckFailure();
      cf.setProperty(f.property);
      cf.setReason(f.reason);
      return cf;
    });

  const service = {
    getPluginInfo: rpc(() => {
      const info = new rt.pluginpb.PluginInfo();
      info.setVersion(provider.version);
      return info;
    }),
    getSchema: rpc(() => {
      const resp = new provpb.GetSchemaResponse();
      resp.setSchema(JSON.stringify({ name: provider.name, version: provider.version }));
      return resp;
    }),
    checkConfig: rpc((req) => {
      const news = js(req.getNews() as StructLike);
      const resp = new provpb.CheckResponse();
      resp.setInputs(struct(news) as never);
      resp.setFailuresList(failuresOf(provider.checkConfig?.(news)));
      return resp;
    }),
    diffConfig: rpc((req) => {
      // A changed address or token re-points the provider; it never replaces the resources.
      const olds = js(req.getOldInputs() as StructLike);
      const news = js(req.getNews() as StructLike);
      const changed = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter(
        (k) => !sameValue(olds[k], news[k]),
      );
      return diffResponse({
        changes: changed.length > 0,
        replaces: [],
        detailedDiff: Object.fromEntries(changed.map((k) => [k, "update" as DiffKind])),
      });
    }),
    configure: rpc((req) => {
      let config = js(req.getArgs() as StructLike | undefined);
      if (Object.keys(config).length === 0) {
        const vars = req.getVariablesMap() as { forEach(f: (v: string, k: string) => void): void };
        config = {};
        vars.forEach((v, k) => (config[k.split(":config:").pop() as string] = v));
      }
      provider.configure?.(config);
      const resp = new provpb.ConfigureResponse();
      resp.setAcceptsecrets(true);
      resp.setSupportspreview(false);
      resp.setAcceptresources(false);
      resp.setAcceptoutputs(false);
      return resp;
    }),
    check: rpc(async (req) => {
      const urn = req.getUrn() as string;
      const news = js(req.getNews() as StructLike);
      const h = handler(urn);
      const out = h.check
        ? await h.check({
            urn,
            name: nameOf(urn),
            olds: js(req.getOlds() as StructLike),
            news,
            randomSeed: Buffer.from(req.getRandomseed_asU8() as Uint8Array),
          })
        : { inputs: news };
      const resp = new provpb.CheckResponse();
      resp.setInputs(struct(out.inputs) as never);
      resp.setFailuresList(failuresOf(out.failures));
      return resp;
    }),
    diff: rpc(async (req) => {
      const urn = req.getUrn() as string;
      return diffResponse(
        await handler(urn).diff({
          id: req.getId() as string,
          urn,
          olds: js(req.getOlds() as StructLike),
          news: js(req.getNews() as StructLike),
          oldInputs: js(req.getOldInputs() as StructLike),
        }),
      );
    }),
    create: rpc(async (req) => {
      const urn = req.getUrn() as string;
      const inputs = js(req.getProperties() as StructLike);
      const resp = new provpb.CreateResponse();
      if (req.getPreview()) {
        // Not reached while supportsPreview is false; kept for engines that ignore it.
        resp.setProperties(struct(inputs) as never);
        return resp;
      }
      const { id, outs } = await handler(urn).create({ urn, inputs });
      resp.setId(id);
      resp.setProperties(struct(outs) as never);
      return resp;
    }),
    read: rpc(async (req) => {
      const urn = req.getUrn() as string;
      const h = handler(urn);
      const state = js(req.getProperties() as StructLike);
      const inputs = js(req.getInputs() as StructLike | undefined);
      const resp = new provpb.ReadResponse();
      const id = req.getId() as string;
      const got = h.read ? await h.read({ id, urn, state, inputs }) : { id, outs: state, inputs };
      if (!got) {
        resp.setId(""); // gone: the engine removes it from the state
        return resp;
      }
      resp.setId(got.id);
      resp.setProperties(struct(got.outs) as never);
      resp.setInputs(struct(got.inputs) as never);
      return resp;
    }),
    update: rpc(async (req) => {
      const urn = req.getUrn() as string;
      const args: DiffArgs = {
        id: req.getId() as string,
        urn,
        olds: js(req.getOlds() as StructLike),
        news: js(req.getNews() as StructLike),
        oldInputs: js(req.getOldInputs() as StructLike),
      };
      const resp = new provpb.UpdateResponse();
      if (req.getPreview()) {
        resp.setProperties(struct({ ...args.olds, ...args.news }) as never);
        return resp;
      }
      const h = handler(urn);
      if (!h.update) throw new Error(`${typeOf(urn)} has no in-place update`);
      resp.setProperties(struct((await h.update(args)).outs) as never);
      return resp;
    }),
    delete: rpc(async (req) => {
      const urn = req.getUrn() as string;
      await handler(urn).delete?.({
        id: req.getId() as string,
        urn,
        state: js(req.getProperties() as StructLike),
      });
      return new rt.emptypb.Empty();
    }),
    cancel: rpc(() => new rt.emptypb.Empty()),
  };

  const server = new grpc.Server({
    "grpc.max_receive_message_length": 400 * 1024 * 1024,
  });
  server.addService(
    rt.provrpc.ResourceProviderService,
    service as unknown as grpcModule.UntypedServiceImplementation,
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  // The engine reads the port from the first line of stdout.
  process.stdout.write(`${port}\n`);
}

/** Runs `serve`, exiting non-zero (with the reason on stderr) if the server cannot start. */
export function main(provider: StandInProvider): void {
  serve(provider).catch((e: unknown) => {
    process.stderr.write(
      `pulumi-resource-${provider.name} (stand-in): ${e instanceof Error ? e.message : e}\n`,
    );
    process.exit(1);
  });
}
