import { strict as assert } from "node:assert";
import { engineSetting, readSettings, SettingsError, unknownSettingKeys } from "../lib/settings";
import { sdkVersionProblem } from "../lib/sdk-version";

const from = (values: Record<string, string>) => (key: string) => values[key];

describe("settings: tokenguard:* config, read in one place", () => {
  it("defaults to error enforcement and no ledger", () => {
    assert.deepEqual(readSettings(from({})), { enforcement: "error" });
  });

  it("reads every key, the ledger's S3 options under ledger", () => {
    assert.deepEqual(
      readSettings(
        from({
          policyFile: "p.yaml",
          now: "2026-01-01T00:00:00Z",
          enforcement: "advisory",
          ledger: "s3://b/p",
          ledgerRegion: "eu-west-1",
          ledgerEndpoint: "http://127.0.0.1:1",
          ledgerRetention: "compliance:400d",
        }),
      ),
      {
        enforcement: "advisory",
        now: "2026-01-01T00:00:00Z",
        policyFile: "p.yaml",
        ledger: {
          location: "s3://b/p",
          region: "eu-west-1",
          endpoint: "http://127.0.0.1:1",
          retention: "compliance:400d",
        },
      },
    );
  });

  it("refuses unusable values, naming the key and the fix", () => {
    assert.throws(
      () => readSettings(from({ enforcement: "warn" })),
      /tokenguard:enforcement is "warn"; use "error" or "advisory"/,
    );
    assert.throws(
      () => readSettings(from({ now: "yesterday" })),
      (e: unknown) =>
        e instanceof SettingsError &&
        /tokenguard:now "yesterday" is not an RFC 3339 timestamp/.test(e.message),
    );
  });

  it("lists tokenguard: keys it does not read", () => {
    assert.deepEqual(
      unknownSettingKeys({
        "tokenguard:policyfile": "x",
        "tokenguard:ledger": "y",
        "aws:region": "z",
      }),
      ["policyfile"],
    );
  });

  it("reads a setting from the engine's PULUMI_CONFIG, as a pack sees it", () => {
    assert.equal(
      engineSetting("policyFile", JSON.stringify({ "tokenguard:policyFile": "p.yaml" })),
      "p.yaml",
    );
    assert.equal(
      engineSetting("policyFile", JSON.stringify({ "tokenguard:config:policyFile": "q.yaml" })),
      "q.yaml",
    );
    assert.equal(engineSetting("policyFile", "not json"), undefined);
  });
});

describe("sdk-version: the @pulumi/pulumi range tokenguard supports", () => {
  it("accepts 3.202 up to (not including) 4", () => {
    for (const v of ["3.202.0", "3.250.1", "3.276.0", "v3.300.0-alpha.1"])
      assert.equal(sdkVersionProblem(v), undefined, v);
  });
  it("refuses older and newer majors, naming the install command", () => {
    for (const v of ["3.201.9", "2.25.0", "4.0.0", "garbage"]) {
      assert.match(
        String(sdkVersionProblem(v)),
        new RegExp(
          `loads ${v.replace(/\./g, "\\.")}; install a supported version: npm install @pulumi/pulumi@\\^3\\.202\\.0`,
        ),
        v,
      );
    }
  });
});
