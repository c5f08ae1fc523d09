/**
 * The @pulumi/pulumi versions tokenguard works with. Below 3.202 a component's arguments never
 * reach the policy pack (it could not judge a ScopedToken at all); 4.x is a future major.
 */
export const SUPPORTED_SDK = { min: [3, 202, 0], below: [4, 0, 0], range: "^3.202.0" } as const;

function parts(version: string): number[] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  return m ? m.slice(1, 4).map(Number) : undefined;
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Why `version` of @pulumi/pulumi cannot be used (undefined when it can), naming the fix. */
export function sdkVersionProblem(version: string): string | undefined {
  const v = parts(version);
  if (v && compare(v, SUPPORTED_SDK.min) >= 0 && compare(v, SUPPORTED_SDK.below) < 0) {
    return undefined;
  }
  return `tokenguard needs @pulumi/pulumi ${SUPPORTED_SDK.range} but this program loads ${version}; install a supported version: npm install @pulumi/pulumi@${SUPPORTED_SDK.range}`;
}
