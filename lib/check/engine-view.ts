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
import { defaultProviderName, goDurationSeconds } from "./provider-names";

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

/** What the view needs beside the registrations: the stack's names and config. */
export type ViewContext = Omit<ViewInput, "registrations" | "outputs">;

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

/** Stack config of one package (`aws:region` → `{ region }`), as its default provider's inputs. */
function packageConfig(input: ViewContext, pkg: string): Record<string, unknown> {
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
function defaultProviderFor(input: ViewContext, r: RawRegistration): EngineResource {
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
  input: ViewContext,
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
 * Builds the engine's view one registration at a time, in the order the program made them, so a
 * caller can analyze each resource while the program still runs (`tokenguard check`). Everything a
 * resource's Analyze view needs is known when it registers; only the registered outputs of
 * components and the stack (AnalyzeStack's view) come later, and {@link view} adds them.
 */
export class EngineViewBuilder {
  private readonly mockToEngine = new Map<string, string>();
  private readonly resources: EngineResource[] = [];
  /** The mock URN of each program resource in `resources` (undefined for default providers). */
  private readonly mockUrns: (string | undefined)[] = [];
  private readonly byUrn = new Map<string, EngineResource>();
  private stackUrn: string;

  constructor(private readonly input: ViewContext) {
    this.stackUrn = urnOf(
      input.project,
      input.stack,
      ROOT_STACK_TYPE,
      `${input.project}-${input.stack}`,
    );
  }

  private readonly engineUrn = (mock: string) => this.mockToEngine.get(mock) ?? mock;
  private readonly conv = (v: Record<string, unknown>) =>
    marshal(v, this.engineUrn) as Record<string, unknown>;

  private push(r: EngineResource, mockUrn?: string): EngineResource {
    this.resources.push(r);
    this.mockUrns.push(mockUrn);
    this.byUrn.set(r.urn, r);
    return r;
  }

  /**
   * The provider resource that manages `r`: its explicit provider, or the package's default
   * provider (added the first time a package needs it, into `added`), or none for components.
   */
  private providerFor(r: RawRegistration, added: EngineResource[]): EngineResource | undefined {
    if (r.type.startsWith(PROVIDER_PREFIX) || !(r.custom || r.remote)) return undefined;
    if (r.provider) {
      return this.byUrn.get(this.engineUrn(r.provider.slice(0, r.provider.lastIndexOf("::"))));
    }
    const fresh = defaultProviderFor(this.input, r);
    const known = this.byUrn.get(fresh.urn);
    if (known) return known;
    added.push(this.push(fresh));
    return fresh;
  }

  /** Adds one registration: the resources the engine registers for it (a default provider first). */
  add(r: RawRegistration): EngineResource[] {
    const { project, stack } = this.input;
    const parent = r.parent ? this.engineUrn(r.parent) : undefined;
    const urn = urnOf(project, stack, r.type, r.name, parent);
    this.mockToEngine.set(r.mockUrn, urn);
    if (r.type === ROOT_STACK_TYPE && !parent) this.stackUrn = urn;
    const added: EngineResource[] = [];
    const provider = this.providerFor(r, added);
    const props = this.conv(r.inputs);
    const resource: EngineResource = {
      type: r.type,
      name: r.name,
      urn,
      props,
      // A custom resource's state at preview is its inputs; a component's comes with registerOutputs.
      outputs: r.custom ? props : {},
      ...(parent ? { parent } : {}),
      custom: r.custom,
      analyze: r.op === "register",
      synthesized: false,
      options: optionsOf(r, parent, this.input, this.engineUrn),
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
      dependencies: r.dependencies.map(this.engineUrn),
      propertyDependencies: Object.fromEntries(
        Object.entries(r.propertyDependencies).map(([k, urns]) => [k, urns.map(this.engineUrn)]),
      ),
      ...(r.sourcePosition ? { sourcePosition: r.sourcePosition } : {}),
    };
    added.push(this.push(resource, r.custom ? undefined : r.mockUrn));
    return added;
  }

  /** The whole view so far, with the registered outputs of components and the stack. */
  view(outputs: ReadonlyMap<string, Record<string, unknown>>): StackView {
    const resources = this.resources.map((r, i) => {
      const registered =
        this.mockUrns[i] === undefined ? undefined : outputs.get(this.mockUrns[i]!);
      return registered ? { ...r, outputs: this.conv(registered) } : r;
    });
    const { project, stack } = this.input;
    return { project, stack, stackUrn: this.stackUrn, resources };
  }
}

/** Rebuilds the engine's view of a whole program run. */
export function engineView(input: ViewInput): StackView {
  const builder = new EngineViewBuilder(input);
  for (const r of input.registrations) builder.add(r);
  return builder.view(input.outputs);
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
