/**
 * The Pulumi SDK records a stack trace for every promise it makes while a resource is constructed
 * (runtime/debuggable.ts: `new Error().stack` on each output property's value, known-ness,
 * secretness and dependencies). Those traces are printed only when the program leaks promises and
 * PULUMI_DEBUG_PROMISE_LEAKS is set, yet each is formatted when taken — under ts-node, through source
 * maps — and kept on its promise until the registration completes: most of a program's time and heap
 * at thousands of resources (bench/BENCHMARKS.md, "Program cost").
 *
 * A ScopedToken registers itself and its children inside {@link withoutPromiseStacks}: the ambient
 * `Error.stackTraceLimit` is 0 for those synchronous steps only, and restored after. The SDK's own
 * source positions of the resources are unaffected (it raises the limit itself to take them), and with
 * PULUMI_DEBUG_PROMISE_LEAKS set nothing changes, so leak reports keep their traces.
 */

/** Lowers the ambient stack-trace limit to 0 unless promise-leak debugging is on; returns the undo. */
export function withoutPromiseStacks(): () => void {
  if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return () => undefined;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  return () => {
    Error.stackTraceLimit = limit;
  };
}
