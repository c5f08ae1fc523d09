import { strict as assert } from "node:assert";
import * as runtime from "@pulumi/pulumi/runtime";
import * as wire from "../lib/wire";

describe("wire: Pulumi's wire values, defined once", () => {
  it("equal the SDK's own", () => {
    assert.equal(wire.SIG_KEY, runtime.specialSigKey);
    assert.equal(wire.SECRET_SIG, runtime.specialSecretSig);
    assert.equal(wire.RESOURCE_SIG, runtime.specialResourceSig);
    assert.equal(wire.OUTPUT_SIG, runtime.specialOutputValueSig);
    assert.equal(wire.UNKNOWN, runtime.unknownValue);
  });
});
