/**
 * `npm run quickstart` as the README names it: `.ci/quickstart` on this checkout — tokenguard check,
 * then the real `pulumi preview --policy-pack` of the root stack — passes and prints no warning a
 * new user would have to puzzle over (a plugin found on $PATH, an undefined output).
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";

import { run } from "./harness";

const REPO = path.resolve(__dirname, "../..");

describe("e2e: npm run quickstart", function () {
  this.timeout(50 * 60_000);

  it("checks, then previews the root stack with the pack: 3 resources, no violations, no warnings", async () => {
    const r = await run("bash", [path.join(REPO, ".ci/quickstart")], {
      cwd: REPO,
      env: process.env,
      timeoutMs: 45 * 60_000,
    });
    const out = `${r.stdout}\n${r.stderr}`;
    assert.match(r.stdout, /^no policy violations$/m);
    assert.match(r.stdout, /✅ tokenguard@v0\.1\.0/);
    assert.match(r.stdout, /\+ 3 to create/);
    assert.match(r.stdout, /random:index:RandomPassword orders-api-g\d+ +create/);
    const warnings = out.split("\n").filter((line) => /warning|undefined value/i.test(line));
    assert.deepEqual(warnings, []);
  });
});
