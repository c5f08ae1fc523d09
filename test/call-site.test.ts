import { strict as assert } from "node:assert";
import * as path from "node:path";

import { callSiteOutside } from "../lib/call-site";

const ours = path.resolve("/pkg/dist/lib");
const frames = (...lines: string[]) => ["Error", ...lines.map((l) => `    at ${l}`)].join("\n");

describe("call-site: the user's line that called into our code", () => {
  it("skips our frames, node internals and node_modules; names the first frame of the program", () => {
    const stack = frames(
      `new TokenRefusedError (${ours}/scoped-token.js:47:15)`,
      `new ScopedToken (${ours}/scoped-token.js:120:19)`,
      `Object.<anonymous> (${path.resolve("/work/app/index.ts")}:6:15)`,
      `Module._compile (node:internal/modules/cjs/loader:1781:14)`,
    );
    assert.equal(
      callSiteOutside(ours, stack),
      `${path.relative(process.cwd(), path.resolve("/work/app/index.ts"))}:6:15`,
    );
    const vendored = frames(
      `new ScopedToken (${ours}/scoped-token.js:120:19)`,
      `Module.m._compile (/work/app/node_modules/ts-node/src/index.ts:1618:23)`,
      `run (${path.resolve("/work/app/infra/tokens.ts")}:12:3)`,
    );
    assert.match(callSiteOutside(ours, vendored) ?? "", /infra\/tokens\.ts:12:3$/);
  });

  it("reads file:// frames and frames without a function name", () => {
    const stack = frames(`${ours}/scoped-token.js:1:1`, `file://${path.resolve("/w/a.mjs")}:3:4`);
    assert.match(callSiteOutside(ours, stack) ?? "", /a\.mjs:3:4$/);
  });

  it("is undefined when every frame is ours or Node's", () => {
    const stack = frames(`f (${ours}/x.js:1:1)`, `g (node:internal/timers:484:21)`);
    assert.equal(callSiteOutside(ours, stack), undefined);
  });
});
