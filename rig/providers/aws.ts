/**
 * Stand-in for `pulumi-resource-aws` 7.48.0, for PREVIEW ONLY. There is no AWS provider plugin on
 * these machines and no AWS account to create anything in; what the tests need from AWS is that
 * `pulumi preview --policy-pack` can run on programs with AWS resources, so the real engine hands
 * them to the real analyzer.
 *
 * Check returns the declared inputs unchanged (the real provider adds defaults such as `tagsAll`;
 * the policy pack judges declared inputs, so nothing it reads differs). Every computed output is
 * unknown at preview, as with the real provider. Create, Update, Read and Delete refuse with a
 * message saying so: nothing is ever sent anywhere.
 */
import { compact, type Props } from "./props";
import { main, type ResourceHandler, type StandInProvider } from "./server";

export const AWS_VERSION = "7.48.0";

const PREVIEW_ONLY =
  "the aws stand-in provider supports preview only: AWS resources cannot be created from this machine";

const previewOnly: ResourceHandler = {
  check: ({ news }) => ({ inputs: compact(news) }),
  diff: () => ({ changes: true, replaces: [], detailedDiff: {} }),
  create: () => Promise.reject(new Error(PREVIEW_ONLY)),
  read: () => Promise.reject(new Error(PREVIEW_ONLY)),
  update: () => Promise.reject(new Error(PREVIEW_ONLY)),
  delete: () => Promise.reject(new Error(PREVIEW_ONLY)),
};

/** Every `aws:` type token gets the preview-only handler. */
const resources = new Proxy({} as Record<string, ResourceHandler>, {
  get: (_, type) => (typeof type === "string" && type.startsWith("aws:") ? previewOnly : undefined),
});

export const awsProvider: StandInProvider = {
  name: "aws",
  version: AWS_VERSION,
  resources,
  // Region and credentials are accepted and ignored: nothing is ever called.
  configure: (_config: Props) => undefined,
};

if (require.main === module) main(awsProvider);
