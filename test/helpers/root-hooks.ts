// Pulumi's mock runtime, installed once for the whole unit suite (see test/helpers/mocks.ts).
import { installMocks } from "./mocks";

export const mochaHooks = {
  async beforeAll() {
    await installMocks();
  },
};
