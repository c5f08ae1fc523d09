/**
 * Mocha root hooks for the e2e run: before anything else, resolve the engine (building only the rig
 * parts PATH lacks) and say in one line where each part comes from.
 */
import { toolchain } from "./toolchain";

export const mochaHooks = {
  beforeAll(this: Mocha.Context): void {
    this.timeout(45 * 60_000); // a cold rig build
    process.stdout.write(`${toolchain().describe()}\n`);
  },
};
