/**
 * check's text output prints what a program or a third-party policy wrote (resource names, messages,
 * logs) with control characters escaped, so none can rewrite the terminal or fake a verdict line.
 */
import { strict as assert } from "node:assert";
import pc from "picocolors";

import type { CheckResult } from "../../lib/check/check";
import { formatText } from "../../lib/check/format";

const ESC = "\u001b";

function result(): CheckResult {
  return {
    project: "p",
    stack: "dev",
    projectDir: "/work/p",
    pack: { name: "tokenguard", version: "0.1.0", dir: "/work/p/pack", policies: [] },
    resources: 2,
    violations: [
      {
        policy: `their-policy${ESC}[2J`,
        level: "mandatory",
        severity: "high",
        urn: `urn:pulumi:dev::p::random:index/randomPassword:RandomPassword::api\rno policy violations`,
        type: "random:index/randomPassword:RandomPassword",
        message: `first line\nsecond line ${ESC}]8;;https://evil.example${ESC}\\link\u202e`,
        description: "",
        location: { file: `/work/p/index${ESC}[31m.ts`, line: 3, column: 1 },
      },
    ],
    diagnostics: [{ level: "warn", message: `logged ${ESC}[1Abold\nnext` }],
    view: {} as CheckResult["view"],
  };
}

describe("check text output: escaping", () => {
  it("escapes every control character from names, messages, locations and logs", () => {
    const text = formatText(result(), pc.createColors(false), "/work/p");
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    assert.match(text, /their-policy\\x1b\[2J/);
    assert.match(text, /RandomPassword: api\\rno policy violations\)/);
    assert.match(text, /at index\\x1b\[31m\.ts:3:1/);
    assert.match(text, /warning: logged \\x1b\[1Abold\n {6}next/);
  });

  it("keeps a message's own line breaks as indented lines", () => {
    const text = formatText(result(), pc.createColors(false), "/work/p");
    assert.match(text, /\n {10}first line\n {10}second line \\x1b\]8;;https:/);
  });
});
