/** The engine's view of a program's registrations, rebuilt from the mock runtime's record (pure). */
import { strict as assert } from "node:assert";
import { UNKNOWN, urnOf } from "../../lib/check/analyzer-client";
import { engineView } from "../../lib/check/engine-view";
import { defaultProviderName, goDurationSeconds } from "../../lib/check/provider-names";
import type { RawRegistration } from "../../lib/check/protocol";

import { RESOURCE_SIG as REF, SECRET_SIG, SIG_KEY as SIG } from "../../lib/wire";

const SECRET = { [SIG]: SECRET_SIG };

/** A registration with the mock runtime's URN (only the immediate parent's type in it). */
function reg(
  type: string,
  name: string,
  parent: RawRegistration | undefined,
  extra: Partial<RawRegistration> = {},
): RawRegistration {
  const parentType = parent ? `${parent.mockUrn.split("::")[2].split("$").pop()}$` : "";
  return {
    op: "register",
    mockUrn: `urn:pulumi:dev::proj::${parentType}${type}::${name}`,
    type,
    name,
    parent: parent?.mockUrn ?? "",
    custom: !type.startsWith("pulumi:pulumi:") && !type.startsWith("acme:index:"),
    remote: false,
    inputs: {},
    provider: "",
    version: "",
    pluginDownloadURL: "",
    dependencies: [],
    propertyDependencies: {},
    protect: false,
    ignoreChanges: [],
    additionalSecretOutputs: [],
    aliases: [],
    customTimeouts: { create: "", update: "", delete: "" },
    ...extra,
  };
}

describe("check: the engine's view of a program", () => {
  it("names default providers as the engine does", () => {
    assert.equal(defaultProviderName("4.21.2"), "default_4_21_2");
    assert.equal(defaultProviderName("v7.8.0"), "default_7_8_0");
    assert.equal(defaultProviderName("1.2.3-alpha.1+build.5"), "default_1_2_3_alpha_1_build_5");
    assert.equal(defaultProviderName(""), "default");
    assert.equal(
      defaultProviderName("1.0.0", "https://example.com/plugins/"),
      "default_1_0_0_https_/example.com/plugins",
    );
  });

  it("reads Go durations as seconds", () => {
    assert.equal(goDurationSeconds(""), 0);
    assert.equal(goDurationSeconds("5m"), 300);
    assert.equal(goDurationSeconds("1h30m"), 5400);
    assert.equal(goDurationSeconds("250ms"), 0.25);
    assert.equal(goDurationSeconds("soon"), 0);
  });

  it("keeps the full parent type chain in URNs and leaves the root Stack out", () => {
    const stack = reg("pulumi:pulumi:Stack", "proj-dev", undefined);
    const outer = reg("acme:index:Outer", "o", stack);
    const inner = reg("acme:index:Inner", "i", outer);
    const leaf = reg("random:index/randomBytes:RandomBytes", "o-i-bytes", inner, {
      version: "4.21.2",
    });
    const view = engineView({
      project: "proj",
      stack: "dev",
      registrations: [stack, outer, inner, leaf],
      outputs: new Map(),
    });
    const byName = new Map(view.resources.map((r) => [r.name, r]));
    assert.equal(view.stackUrn, "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev");
    assert.equal(byName.get("o")!.urn, "urn:pulumi:dev::proj::acme:index:Outer::o");
    assert.equal(byName.get("o")!.parent, view.stackUrn);
    assert.equal(
      byName.get("i")!.urn,
      "urn:pulumi:dev::proj::acme:index:Outer$acme:index:Inner::i",
    );
    assert.equal(
      byName.get("o-i-bytes")!.urn,
      "urn:pulumi:dev::proj::acme:index:Outer$acme:index:Inner$random:index/randomBytes:RandomBytes::o-i-bytes",
    );
    // The mock's URN had only the immediate parent's type; the engine's has the chain.
    assert.notEqual(leaf.mockUrn, byName.get("o-i-bytes")!.urn);
    assert.equal(
      urnOf("proj", "dev", "t:m:T", "x", view.stackUrn),
      "urn:pulumi:dev::proj::t:m:T::x",
    );
  });

  it("adds one default provider per package and version, before its first user, with the package config", () => {
    const stack = reg("pulumi:pulumi:Stack", "proj-dev", undefined);
    const a = reg("vault:index/token:Token", "a", stack, { version: "7.8.0" });
    const b = reg("vault:index/policy:Policy", "b", stack, { version: "7.8.0" });
    const c = reg("random:index/randomBytes:RandomBytes", "c", stack, { version: "4.21.2" });
    const view = engineView({
      project: "proj",
      stack: "dev",
      registrations: [stack, a, b, c],
      outputs: new Map(),
      config: { "vault:address": "http://127.0.0.1:8200", "vault:token": UNKNOWN, "other:x": "1" },
      secretKeys: ["vault:token"],
    });
    assert.deepEqual(
      view.resources.map((r) => [r.name, r.synthesized]),
      [
        ["proj-dev", false],
        ["default_7_8_0", true],
        ["a", false],
        ["b", false],
        ["default_4_21_2", true],
        ["c", false],
      ],
    );
    const vaultProvider = view.resources[1];
    assert.equal(vaultProvider.urn, "urn:pulumi:dev::proj::pulumi:providers:vault::default_7_8_0");
    assert.equal(vaultProvider.parent, undefined);
    assert.deepEqual(vaultProvider.props, {
      address: "http://127.0.0.1:8200",
      token: { ...SECRET, value: UNKNOWN },
      version: "7.8.0",
    });
    assert.equal(view.resources[2].provider?.urn, vaultProvider.urn);
    assert.equal(view.resources[3].provider?.urn, vaultProvider.urn);
    assert.equal(view.resources[0].provider, undefined, "the stack has no provider");
  });

  it("resolves an explicit provider reference to that provider resource", () => {
    const stack = reg("pulumi:pulumi:Stack", "proj-dev", undefined);
    const provider = reg("pulumi:providers:vault", "ns", stack, { inputs: { namespace: "ci" } });
    const token = reg("vault:index/token:Token", "t", stack, {
      provider: `${"urn:pulumi:dev::proj::pulumi:pulumi:Stack$pulumi:providers:vault::ns"}::${UNKNOWN}`,
    });
    const view = engineView({
      project: "proj",
      stack: "dev",
      registrations: [stack, provider, token],
      outputs: new Map(),
    });
    assert.equal(view.resources.length, 3, "no default provider for an explicit one");
    assert.deepEqual(view.resources[2].provider, {
      urn: "urn:pulumi:dev::proj::pulumi:providers:vault::ns",
      type: "pulumi:providers:vault",
      name: "ns",
      props: { namespace: "ci" },
    });
  });

  it("marshals properties as for an analyzer: secrets and unknowns kept, references replaced, __ keys dropped", () => {
    const stack = reg("pulumi:pulumi:Stack", "proj-dev", undefined);
    const comp = reg("acme:index:Outer", "o", stack);
    const user = reg("aws:iam/user:User", "u", stack);
    const key = reg("aws:iam/accessKey:AccessKey", "k", stack, {
      inputs: {
        __defaults: [],
        user: { [SIG]: REF, urn: user.mockUrn, id: "" },
        known: { [SIG]: REF, urn: user.mockUrn, id: "AIDA123" },
        owner: { [SIG]: REF, urn: comp.mockUrn },
        pgpKey: { ...SECRET, value: "keybase:someone" },
        nested: [{ __internal: 1, ok: UNKNOWN }],
      },
      dependencies: [user.mockUrn],
      propertyDependencies: { user: [user.mockUrn], pgpKey: [] },
    });
    const view = engineView({
      project: "proj",
      stack: "dev",
      registrations: [stack, comp, user, key],
      outputs: new Map(),
    });
    const k = view.resources.find((r) => r.name === "k")!;
    const userUrn = "urn:pulumi:dev::proj::aws:iam/user:User::u";
    assert.deepEqual(k.props, {
      user: UNKNOWN,
      known: "AIDA123",
      owner: "urn:pulumi:dev::proj::acme:index:Outer::o",
      pgpKey: { ...SECRET, value: "keybase:someone" },
      nested: [{ ok: UNKNOWN }],
    });
    assert.deepEqual(k.dependencies, [userUrn]);
    assert.deepEqual(k.propertyDependencies, { user: [userUrn], pgpKey: [] });
  });

  it("gives AnalyzeStack a custom resource's inputs, a component's registered outputs; reads are not analyzed alone", () => {
    const stack = reg("pulumi:pulumi:Stack", "proj-dev", undefined);
    const comp = reg("acme:index:Outer", "o", stack, { inputs: { declared: "yes" } });
    const bytes = reg("random:index/randomBytes:RandomBytes", "b", comp, {
      inputs: { length: 32 },
      version: "4.21.2",
      additionalSecretOutputs: ["hex", "hex"],
      protect: true,
      customTimeouts: { create: "5m", update: "", delete: "1h" },
      aliases: [
        { name: "old-b" },
        { urn: "urn:pulumi:dev::proj::x:y:Z::legacy" },
        { noParent: true },
      ],
    });
    const read = reg("pulumi:pulumi:StackReference", "org/p/s", stack, {
      op: "read",
      custom: true,
      inputs: { name: "org/p/s" },
    });
    const view = engineView({
      project: "proj",
      stack: "dev",
      registrations: [stack, comp, bytes, read],
      outputs: new Map([
        [comp.mockUrn, { value: { ...SECRET, value: UNKNOWN } }],
        [stack.mockUrn, { exported: 1 }],
      ]),
    });
    const byName = new Map(view.resources.map((r) => [r.name, r]));
    assert.deepEqual(byName.get("o")!.props, { declared: "yes" });
    assert.deepEqual(byName.get("o")!.outputs, { value: { ...SECRET, value: UNKNOWN } });
    assert.deepEqual(byName.get("b")!.outputs, { length: 32 });
    assert.deepEqual(byName.get("proj-dev")!.outputs, { exported: 1 });
    assert.equal(byName.get("org/p/s")!.analyze, false);
    assert.equal(
      byName.get("org/p/s")!.provider?.urn,
      "urn:pulumi:dev::proj::pulumi:providers:pulumi::default",
    );
    assert.deepEqual(byName.get("b")!.options, {
      protect: true,
      ignoreChanges: [],
      additionalSecretOutputs: ["hex"],
      aliases: [
        "urn:pulumi:dev::proj::acme:index:Outer$random:index/randomBytes:RandomBytes::old-b",
        "urn:pulumi:dev::proj::x:y:Z::legacy",
        "urn:pulumi:dev::proj::random:index/randomBytes:RandomBytes::b",
      ],
      customTimeouts: { create: 300, update: 0, delete: 3600 },
    });
  });
});
