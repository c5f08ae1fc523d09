/**
 * Optional peer packages (`@pulumi/aws`, `@pulumi/vault`, `@pulumi/random`, `@aws-sdk/client-s3`,
 * `@aws-sdk/client-iam`): loaded on first use by the part that needs them, so a user installs only
 * what their backends (and `usage --aws`) use. A missing one is an error that names the package
 * and the command that installs it.
 */

/** A peer package tokenguard needs for `feature` is not installed. */
export class MissingPeerError extends Error {
  constructor(
    readonly packageName: string,
    readonly feature: string,
  ) {
    super(
      `${feature} needs the npm package ${packageName}, which is not installed; install it beside your program: npm install ${packageName}`,
    );
    this.name = "MissingPeerError";
  }
}

/** `require(packageName)` from the user's install; throws {@link MissingPeerError} when it is absent. */
export function requirePeer<T>(packageName: string, feature: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when used
    return require(packageName) as T;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "MODULE_NOT_FOUND" && err.message.includes(`'${packageName}'`)) {
      throw new MissingPeerError(packageName, feature);
    }
    throw e;
  }
}
