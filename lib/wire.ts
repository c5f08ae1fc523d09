/**
 * Values of Pulumi's wire format that tokenguard reads and writes without loading the SDK (the
 * scanners and the pure rules run without it). test/wire.test.ts holds them equal to the SDK's.
 */

/** The key marking a special value in serialized properties (`runtime.specialSigKey`). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** That key's value on a secret: `{ [SIG_KEY]: SECRET_SIG, value }` (`runtime.specialSecretSig`). */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** What the engine sends for a value not known during preview (`runtime.unknownValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** That key's value on a resource reference (`runtime.specialResourceSig`). */
export const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
/** That key's value on an output value (`runtime.specialOutputValueSig`). */
export const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
