/**
 * Capturing what a program registers: the mock monitor's RegisterResource, ReadResource and
 * RegisterResourceOutputs calls, converted to plain registrations and sent to the parent over IPC
 * in the order the SDK made them. Only Node built-ins are imported (see ./main.ts).
 */
import type { AliasSpec, HostMessage, RawRegistration, SourcePosition } from "../protocol";

interface Struct {
  toJavaScript(): Record<string, unknown>;
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getRemote?(): boolean;
  getObject(): Struct | undefined;
  getProtect(): boolean | undefined;
  getDependenciesList(): string[];
  getProvider(): string;
  getPropertydependenciesMap(): {
    forEach(fn: (v: { getUrnsList(): string[] }, k: string) => void): void;
  };
  getDeletebeforereplace(): boolean;
  getDeletebeforereplacedefined(): boolean;
  getVersion(): string;
  getPlugindownloadurl(): string;
  getIgnorechangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getAliasurnsList(): string[];
  getAliasesList?(): {
    getUrn(): string;
    getSpec():
      | {
          getName(): string;
          getType(): string;
          getStack(): string;
          getProject(): string;
          getParenturn(): string;
          getNoparent(): boolean;
        }
      | undefined;
  }[];
  getCustomtimeouts():
    { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
  getSourceposition?(): { getUri(): string; getLine(): number; getColumn(): number } | undefined;
}
interface ReadRequest {
  getId(): string;
  getType(): string;
  getName(): string;
  getParent(): string;
  getProperties(): Struct | undefined;
  getDependenciesList(): string[];
  getProvider(): string;
  getVersion(): string;
  getPlugindownloadurl?(): string;
  getAdditionalsecretoutputsList(): string[];
  getSourceposition?(): { getUri(): string; getLine(): number; getColumn(): number } | undefined;
}
interface OutputsRequest {
  getUrn(): string;
  getOutputs(): Struct | undefined;
}
type Callback<T> = (err: unknown, res?: T) => void;
export interface Monitor {
  registerResource(req: RegisterRequest, cb: Callback<{ getUrn(): string }>): void;
  readResource(req: ReadRequest, cb: Callback<{ getUrn(): string }>): void;
  registerResourceOutputs(req: OutputsRequest, cb: Callback<unknown>): void;
}

export function send(message: HostMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

function position(req: Pick<RegisterRequest, "getSourceposition">): SourcePosition | undefined {
  const p = req.getSourceposition?.();
  return p && p.getUri()
    ? { uri: p.getUri(), line: p.getLine(), column: p.getColumn() }
    : undefined;
}

function aliasesOf(req: RegisterRequest): AliasSpec[] {
  const out: AliasSpec[] = req.getAliasurnsList().map((urn) => ({ urn }));
  for (const alias of req.getAliasesList?.() ?? []) {
    const spec = alias.getSpec();
    if (alias.getUrn()) out.push({ urn: alias.getUrn() });
    else if (spec) {
      out.push({
        ...(spec.getName() ? { name: spec.getName() } : {}),
        ...(spec.getType() ? { type: spec.getType() } : {}),
        ...(spec.getStack() ? { stack: spec.getStack() } : {}),
        ...(spec.getProject() ? { project: spec.getProject() } : {}),
        ...(spec.getParenturn() ? { parentUrn: spec.getParenturn() } : {}),
        ...(spec.getNoparent() ? { noParent: true } : {}),
      });
    }
  }
  return out;
}

function fromRegister(req: RegisterRequest, mockUrn: string): RawRegistration {
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((v, k) => (propertyDependencies[k] = v.getUrnsList()));
  const timeouts = req.getCustomtimeouts();
  const sourcePosition = position(req);
  return {
    op: "register",
    mockUrn,
    type: req.getType(),
    name: req.getName(),
    parent: req.getParent(),
    custom: req.getCustom(),
    remote: req.getRemote?.() ?? false,
    inputs: req.getObject()?.toJavaScript() ?? {},
    provider: req.getProvider(),
    version: req.getVersion(),
    pluginDownloadURL: req.getPlugindownloadurl(),
    dependencies: req.getDependenciesList(),
    propertyDependencies,
    protect: req.getProtect() ?? false,
    ignoreChanges: req.getIgnorechangesList(),
    ...(req.getDeletebeforereplacedefined()
      ? { deleteBeforeReplace: req.getDeletebeforereplace() }
      : {}),
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    aliases: aliasesOf(req),
    customTimeouts: {
      create: timeouts?.getCreate() ?? "",
      update: timeouts?.getUpdate() ?? "",
      delete: timeouts?.getDelete() ?? "",
    },
    ...(sourcePosition ? { sourcePosition } : {}),
  };
}

function fromRead(req: ReadRequest, mockUrn: string): RawRegistration {
  const sourcePosition = position(req);
  return {
    op: "read",
    mockUrn,
    type: req.getType(),
    name: req.getName(),
    parent: req.getParent(),
    custom: true,
    remote: false,
    inputs: { ...(req.getProperties()?.toJavaScript() ?? {}) },
    provider: req.getProvider(),
    version: req.getVersion(),
    pluginDownloadURL: req.getPlugindownloadurl?.() ?? "",
    dependencies: req.getDependenciesList(),
    propertyDependencies: {},
    protect: false,
    ignoreChanges: [],
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    aliases: [],
    customTimeouts: { create: "", update: "", delete: "" },
    ...(sourcePosition ? { sourcePosition } : {}),
  };
}

/**
 * Wraps the mock monitor so each call is reported once it succeeds. Registrations are numbered in
 * the order the SDK made them (the order the engine would see them) and sent in that order.
 */
export function captureMonitor(monitor: Monitor): { pending: () => number; started: () => number } {
  let next = 0;
  let flushed = 0;
  const done = new Map<number, RawRegistration | null>();
  let inFlight = 0;
  const settle = (seq: number, registration: RawRegistration | null) => {
    done.set(seq, registration);
    for (; done.has(flushed); flushed++) {
      const r = done.get(flushed);
      done.delete(flushed);
      if (r) void send({ kind: "registered", registration: r });
    }
  };
  const wrap = <Req>(
    original: (req: Req, cb: Callback<{ getUrn(): string }>) => void,
    toRaw: (req: Req, urn: string) => RawRegistration,
  ) => {
    return (req: Req, cb: Callback<{ getUrn(): string }>) => {
      const seq = next++;
      inFlight++;
      original(req, (err, res) => {
        inFlight--;
        settle(seq, !err && res ? toRaw(req, res.getUrn()) : null);
        cb(err, res);
      });
    };
  };
  monitor.registerResource = wrap(monitor.registerResource.bind(monitor), fromRegister);
  monitor.readResource = wrap(monitor.readResource.bind(monitor), fromRead);
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    const outputs = req.getOutputs()?.toJavaScript() ?? {};
    registerOutputs(req, (err, res) => {
      if (!err) void send({ kind: "outputs", mockUrn: req.getUrn(), outputs });
      cb(err, res);
    });
  };
  return { pending: () => inFlight, started: () => next };
}
