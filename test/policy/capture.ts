/**
 * Runs a stack program under the mock runtime (installed by the root hooks) and records what the
 * engine would hand the analyzer: each resource's type, name, inputs as serialized on the wire,
 * parent and dependencies, with URNs carrying the full parent type chain as the engine's do.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ResourceInput } from "../../lib/check/analyzer-client";
import { urnOf } from "../../lib/check/analyzer-client";
import { PROJECT, STACK } from "../helpers/mocks";

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): {
    forEach(fn: (v: { getUrnsList(): string[] }, k: string) => void): void;
  };
}
type Callback = (err: unknown, res?: { getUrn(): string }) => void;
interface Monitor {
  registerResource(req: RegisterRequest, cb: Callback): void;
}

/** Requires `programPath` under mocks and returns every resource it registered, once all settled. */
export async function captureProgram(programPath: string): Promise<ResourceInput[]> {
  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
  const original = monitor.registerResource.bind(monitor);
  const mockToFull = new Map<string, string>();
  const captured: ResourceInput[] = [];
  let pending = 0;
  monitor.registerResource = (req, cb) => {
    pending++;
    original(req, (err, res) => {
      pending--;
      if (!err && res) {
        const parent = mockToFull.get(req.getParent());
        const urn = urnOf(PROJECT, STACK, req.getType(), req.getName(), parent);
        mockToFull.set(res.getUrn(), urn);
        const full = (urns: readonly string[]) => urns.map((u) => mockToFull.get(u) ?? u);
        const propertyDependencies: Record<string, string[]> = {};
        req
          .getPropertydependenciesMap()
          .forEach((v, k) => (propertyDependencies[k] = full(v.getUrnsList())));
        captured.push({
          type: req.getType(),
          name: req.getName(),
          urn,
          props: req.getObject()?.toJavaScript() ?? {},
          ...(parent ? { parent } : {}),
          dependencies: full(req.getDependenciesList()),
          propertyDependencies,
        });
      }
      cb(err, res);
    });
  };
  try {
    await import(programPath);
    // Registrations settle asynchronously (inputs wait on other resources' outputs).
    let quiet = 0;
    for (let i = 0; i < 500 && quiet < 5; i++) {
      await new Promise((r) => setTimeout(r, 10));
      quiet = pending === 0 ? quiet + 1 : 0;
    }
  } finally {
    monitor.registerResource = original;
  }
  return captured;
}
