import { existsSync } from "node:fs";
import * as path from "node:path";
import { engineBin } from "../../test/e2e/harness";

/** The engine's bin dir with what a random-backend preview needs, or why it cannot be had. */
export function engine(): { bin?: string; missing?: string } {
  try {
    const bin = engineBin();
    for (const plugin of ["pulumi", "pulumi-resource-random", "pulumi-language-nodejs"]) {
      if (!existsSync(path.join(bin, plugin))) throw new Error(`${plugin} is not in ${bin}`);
    }
    return { bin };
  } catch (e) {
    return { missing: (e as Error).message.split("\n")[0] };
  }
}

/**
 * `pulumi preview` as the benchmarks run it: JSON events streamed, optionally with a policy pack,
 * and with the engine's log on stderr (`-v=7`), which times the pack's start and analyzer calls.
 */
export function previewArgs(stack: string, opts: { pack?: string; engineLog?: boolean }): string[] {
  return [
    "preview",
    "--json",
    ...(opts.pack ? ["--policy-pack", opts.pack] : []),
    "--stack",
    stack,
    "--non-interactive",
    ...(opts.engineLog ? ["-v=7", "--logtostderr"] : []),
  ];
}
