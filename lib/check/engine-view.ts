/**
 * What the Pulumi engine would hand a policy pack for a program's registrations, rebuilt from the
 * mock runtime's record of them (pure: no I/O, no Pulumi imports):
 *
 * - URNs as the engine makes them: the full parent type chain (`a$b$type`), the root Stack's type
 *   left out; the mock runtime's URNs carry only the immediate parent's type.
 * - The default providers the engine registers for resources without an explicit provider:
 *   `pulumi:providers:<pkg>` named `default[_<major>_<minor>_<patch>[_<pre>...][_<build>...]][_<url>]`,
 *   inputs = the package's stack config plus `version`, registered just before their first user.
 * - Properties as the engine marshals them for an analyzer: secrets and unknowns kept, keys
 *   starting with "__" dropped, resource references replaced by their id (unknown while the id is)
 *   or, for components, their URN.
 * - Analyze sees inputs; AnalyzeStack sees outputs: a custom resource's state at preview (its
 *   inputs here), a component's or the stack's registerOutputs.
 */
import { urnOf, type ResourceInput, type ResourceOptions } from "./analyzer-client";
import { OUTPUT_SIG, RESOURCE_SIG, SECRET_SIG, SIG_KEY, UNKNOWN } from "../wire";
import type { AliasSpec, RawRegistration, SourcePosition } from "./protocol";
import { parseGoDuration } from "../schema/duration";

export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";
const PROVIDER_PREFIX = "pulumi:providers:";

/** A resource as the engine sees it, with both the Analyze and the AnalyzeStack view. */
export interface EngineResource extends ResourceInput {
  readonly urn: string;
  /** Inputs: what Analyze receives. */
  readonly props: Record<string, unknown>;
  /** Outputs at preview: what AnalyzeStack receives. */
  readonly outputs: Record<string, unknown>;
  readonly custom: boolean;
  /** False for resources read (e.g. a StackReference): the engine analyzes those only as part of the stack. */
  readonly analyze: boolean;
  /** Added by the engine (default providers), not by the program. */
  readonly synthesized: boolean;
  /** Where the program called `new` for it, when the SDK reported it. */
  readonly sourcePosition?: SourcePosition;
}

export interface StackView {
  readonly project: string;
  readonly stack: string;
  readonly stackUrn: string;
  /** Every resource in the order the engine would register them. */
  readonly resources: readonly EngineResource[];
}

export interface ViewInput {
  readonly project: string;
  readonly stack: string;
  readonly registrations: readonly RawRegistration[];
  readonly outputs: ReadonlyMap<string, Record<string, unknown>>;
  /** Stack config ("ns:key" -> value), for default providers' inputs. */
  readonly config?: Readonly<Record<string, string>>;
  readonly secretKeys?: readonly string[];
}

/** `default_4_21_2`: the name the engine gives a package's default provider (ProviderRequest.DefaultName). */
export function defaultProviderName(version: string, pluginDownloadURL = ""): string {
  let name = "default";
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/.exec(version);
  if (m) {
    name += `_${m[1]}_${m[2]}_${m[3]}`;
    for (const part of m[4]?.split(".") ?? []) name += `_${part}`;
    for (const part of m[5]?.split(".") ?? []) name += `_${part}`;
  }
  if (pluginDownloadURL) name += `_${intoQName(pluginDownloadURL)}`;
  return name;
}

/** tokens.IntoQName: every character outside [A-Za-z0-9_.-] becomes "_", per "/"-separated part. */
function intoQName(s: string): string {
  const parts = s
    .split("/")
    .filter((p) => p !== "")
    .map((p) => p.replace(/[^A-Za-z0-9_.-]/g, "_"));
  return parts.join("/") || "_";
}

/** A Go duration ("1h30m", "5m", "300ms") in seconds; "" (and anything else) is 0. */
export function goDurationSeconds(text: string): number {
  return parseGoDuration(text) ?? 0;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Marshals a wire value the way the engine does for an analyzer (see the file comment). */
function marshal(value: unknown, engineUrn: (mock: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => marshal(v, engineUrn));
  if (!isObject(value)) return value;
  const sig = value[SIG_KEY];
  if (sig === RESOURCE_SIG) {
    if ("id" in value) return value.id === "" || value.id === undefined ? UNKNOWN : value.id;
    return engineUrn(String(value.urn));
  }
  if (sig === SECRET_SIG) return { [SIG_KEY]: SECRET_SIG, value: marshal(value.value, engineUrn) };
  if (sig === OUTPUT_SIG) {
    const inner = "value" in value ? marshal(value.value, engineUrn) : UNKNOWN;
    return value.secret ? { [SIG_KEY]: SECRET_SIG, value: inner } : inner;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith("__")) continue; // SkipInternalKeys
    out[k] = marshal(v, engineUrn);
  }
  return out;
}

/** The engine's URN for a resource, given its parent's engine URN. */
function engineUrnOf(project: string, stack: string, type: string, name: string, parent?: string) {
  return urnOf(project, stack, type, name, parent);
}

/** Stack config of one package (`aws:region` → `{ region }`), as its default provider's inputs. */
function packageConfig(input: ViewInput, pkg: string): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  const secret = new Set(input.secretKeys ?? []);
  for (const [key, value] of Object.entries(input.config ?? {})) {
    const [ns, ...rest] = key.split(":");
    if (ns !== pkg || rest.length !== 1) continue;
    props[rest[0]] = secret.has(key) ? { [SIG_KEY]: SECRET_SIG, value } : value;
  }
  return props;
}

/** A default provider the engine adds for a package (one per package, version and download URL). */
function defaultProviderFor(input: ViewInput, r: RawRegistration): EngineResource {
  const pkg = r.type.split(":")[0];
  const name = defaultProviderName(r.version, r.pluginDownloadURL);
  const props = {
    ...packageConfig(input, pkg),
    ...(r.version ? { version: r.version } : {}),
    ...(r.pluginDownloadURL ? { pluginDownloadURL: r.pluginDownloadURL } : {}),
  };
  const type = `${PROVIDER_PREFIX}${pkg}`;
  return {
    type,
    name,
    urn: urnOf(input.project, input.stack, type, name),
    props,
    outputs: props,
    custom: true,
    analyze: true,
    synthesized: true,
    dependencies: [],
    propertyDependencies: {},
  };
}

/** The resource options the engine passes an analyzer, from a registration. */
function optionsOf(
  r: RawRegistration,
  parent: string | undefined,
  input: ViewInput,
  engineUrn: (mock: string) => string,
): ResourceOptions {
  return {
    protect: r.protect,
    ignoreChanges: r.ignoreChanges,
    ...(r.deleteBeforeReplace !== undefined ? { deleteBeforeReplace: r.deleteBeforeReplace } : {}),
    additionalSecretOutputs: [...new Set(r.additionalSecretOutputs)],
    aliases: r.aliases.map((a) => aliasUrn(a, r, parent, input.project, input.stack, engineUrn)),
    customTimeouts: {
      create: goDurationSeconds(r.customTimeouts.create),
      update: goDurationSeconds(r.customTimeouts.update),
      delete: goDurationSeconds(r.customTimeouts.delete),
    },
  };
}

/**
 * The provider resource that manages `r`: its explicit provider, or the package's default provider
 * (added to `resources` the first time a package needs it), or none for components.
 */
function providerFor(
  r: RawRegistration,
  input: ViewInput,
  resources: EngineResource[],
  defaults: Map<string, EngineResource>,
  engineUrn: (mock: string) => string,
): EngineResource | undefined {
  if (r.type.startsWith(PROVIDER_PREFIX) || !(r.custom || r.remote)) return undefined;
  if (r.provider) {
    const urn = engineUrn(r.provider.slice(0, r.provider.lastIndexOf("::")));
    return resources.find((p) => p.urn === urn);
  }
  const fresh = defaultProviderFor(input, r);
  const known = defaults.get(fresh.urn);
  if (known) return known;
  defaults.set(fresh.urn, fresh);
  resources.push(fresh);
  return fresh;
}

/** Rebuilds the engine's view of a program run. */
export function engineView(input: ViewInput): StackView {
  const { project, stack } = input;
  const mockToEngine = new Map<string, string>();
  const engineUrn = (mock: string) => mockToEngine.get(mock) ?? mock;
  const conv = (v: Record<string, unknown>) => marshal(v, engineUrn) as Record<string, unknown>;
  const resources: EngineResource[] = [];
  const defaults = new Map<string, EngineResource>();
  let stackUrn = urnOf(project, stack, ROOT_STACK_TYPE, `${project}-${stack}`);

  const providerOf = (r: RawRegistration) => providerFor(r, input, resources, defaults, engineUrn);

  for (const r of input.registrations) {
    const parent = r.parent ? engineUrn(r.parent) : undefined;
    const urn = engineUrnOf(project, stack, r.type, r.name, parent);
    mockToEngine.set(r.mockUrn, urn);
    if (r.type === ROOT_STACK_TYPE && !parent) stackUrn = urn;
    const provider = providerOf(r);
    const props = conv(r.inputs);
    const registered = input.outputs.get(r.mockUrn);
    resources.push({
      type: r.type,
      name: r.name,
      urn,
      props,
      outputs: r.custom ? props : registered ? conv(registered) : {},
      ...(parent ? { parent } : {}),
      custom: r.custom,
      analyze: r.op === "register",
      synthesized: false,
      options: optionsOf(r, parent, input, engineUrn),
      ...(provider
        ? {
            provider: {
              urn: provider.urn,
              type: provider.type,
              name: provider.name,
              props: provider.props,
            },
          }
        : {}),
      dependencies: r.dependencies.map(engineUrn),
      propertyDependencies: Object.fromEntries(
        Object.entries(r.propertyDependencies).map(([k, urns]) => [k, urns.map(engineUrn)]),
      ),
      ...(r.sourcePosition ? { sourcePosition: r.sourcePosition } : {}),
    });
  }
  return { project, stack, stackUrn, resources };
}

function aliasUrn(
  alias: AliasSpec,
  r: RawRegistration,
  parent: string | undefined,
  project: string,
  stack: string,
  engineUrn: (mock: string) => string,
): string {
  if (alias.urn) return engineUrn(alias.urn);
  const aliasParent = alias.noParent
    ? undefined
    : alias.parentUrn
      ? engineUrn(alias.parentUrn)
      : parent;
  return urnOf(
    alias.project ?? project,
    alias.stack ?? stack,
    alias.type ?? r.type,
    alias.name ?? r.name,
    aliasParent,
  );
}
