/**
 * What the program host (a child process running the stack program under Pulumi's mocks) tells
 * `tokenguard check`, over Node IPC. Registrations carry inputs in their wire form (secret and
 * unknown markers, resource references) and are never printed.
 */

/** The job the parent sends the host: one program, one stack, preview mode. */
export interface HostJob {
  readonly programDir: string;
  readonly entry: string;
  readonly rootDir: string;
  readonly organization: string;
  readonly project: string;
  readonly stack: string;
  readonly typescript: boolean;
  readonly tsconfig?: string;
}

export interface SourcePosition {
  /** A file:// URI, as the SDK sends it. */
  readonly uri: string;
  readonly line: number;
  readonly column: number;
}

export interface AliasSpec {
  readonly urn?: string;
  readonly name?: string;
  readonly type?: string;
  readonly stack?: string;
  readonly project?: string;
  /** The alias's parent, as a (mock) URN. */
  readonly parentUrn?: string;
  readonly noParent?: boolean;
}

/** One RegisterResource (or ReadResource) call, as the SDK made it. URNs are the mock's. */
export interface RawRegistration {
  readonly op: "register" | "read";
  /** The URN the mock monitor answered with (only the immediate parent's type in it). */
  readonly mockUrn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string;
  readonly custom: boolean;
  readonly remote: boolean;
  /** Inputs as serialized on the wire (secret/unknown/resource markers kept). */
  readonly inputs: Record<string, unknown>;
  /** The provider reference ("<urn>::<id>"), "" for the default provider. */
  readonly provider: string;
  /** The package version the SDK asked for (decides the default provider's name). */
  readonly version: string;
  readonly pluginDownloadURL: string;
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  readonly protect: boolean;
  readonly ignoreChanges: readonly string[];
  readonly deleteBeforeReplace?: boolean;
  readonly additionalSecretOutputs: readonly string[];
  readonly aliases: readonly AliasSpec[];
  /** Go duration strings, as the SDK sends them ("5m"). */
  readonly customTimeouts: {
    readonly create: string;
    readonly update: string;
    readonly delete: string;
  };
  readonly sourcePosition?: SourcePosition;
}

export type HostMessage =
  | { readonly kind: "registered"; readonly registration: RawRegistration }
  | {
      readonly kind: "outputs";
      readonly mockUrn: string;
      readonly outputs: Record<string, unknown>;
    }
  | { readonly kind: "log"; readonly level: "info" | "warn" | "error"; readonly message: string }
  | { readonly kind: "done" }
  | { readonly kind: "failed"; readonly message: string };
