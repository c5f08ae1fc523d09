import { strict as assert } from "node:assert";
import { RESOURCE_FRAMES, skipUnreadStacks } from "../../lib/check/host/program";

/** Stands in for the SDK's `Resource.callsites`: the whole stack, whatever the ambient limit. */
class Resource {
  static callsites(): string | undefined {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = Number.POSITIVE_INFINITY;
    try {
      return new Error().stack;
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}

function debuggablePromise(): string | undefined {
  return new Error().stack;
}

function deep<T>(n: number, fn: () => T): T {
  return n === 0 ? fn() : deep(n - 1, fn);
}

describe("check host: stacks nobody reads are not formatted", () => {
  const saved = Error.prepareStackTrace;
  const savedDebug = process.env.PULUMI_DEBUG_PROMISE_LEAKS;
  let formatted: number[] = [];
  beforeEach(() => {
    formatted = [];
    delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
    // Stands in for ts-node's source-mapped formatter.
    Error.prepareStackTrace = (_e, frames) => {
      formatted.push(frames.length);
      return frames.map((f) => `    at ${f.getFunctionName()}`).join("\n");
    };
  });
  afterEach(() => {
    Error.prepareStackTrace = saved;
    if (savedDebug === undefined) delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
    else process.env.PULUMI_DEBUG_PROMISE_LEAKS = savedDebug;
  });

  it(`formats only the first ${RESOURCE_FRAMES} frames of a resource's stack, its source position among them`, () => {
    skipUnreadStacks();
    const stack = deep(40, () => Resource.callsites());
    assert.deepEqual(formatted, [RESOURCE_FRAMES]);
    assert.match(stack!, /^ {4}at callsites\n/);
  });

  it("formats no promise stack, and every other stack whole", () => {
    skipUnreadStacks();
    assert.match(deep(5, debuggablePromise)!, /not captured: set PULUMI_DEBUG_PROMISE_LEAKS/);
    assert.deepEqual(formatted, []);
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 30;
    try {
      deep(40, () => new Error("the program's own").stack);
    } finally {
      Error.stackTraceLimit = limit;
    }
    assert.deepEqual(formatted, [30]);
  });

  it("changes nothing with PULUMI_DEBUG_PROMISE_LEAKS set (leak reports keep their traces)", () => {
    process.env.PULUMI_DEBUG_PROMISE_LEAKS = "true";
    skipUnreadStacks();
    deep(40, () => Resource.callsites());
    deep(5, debuggablePromise);
    assert.equal(formatted.length, 2);
    assert.ok(formatted[0] > 40, "the whole resource stack");
    assert.ok(formatted[1] > 0, "the promise stack");
  });
});
