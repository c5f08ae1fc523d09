/**
 * Problems with what a user wrote, as data: the field (as users write it, `scopes[2]`,
 * `vault.policyName`), its path, and a message that names the fix. Schemas produce these; lib/rules
 * decides which rule each belongs to, so no caller ever parses message text.
 */

export interface Issue {
  /** The field as users write it: `ttl`, `rotation.every`, `scopes[2]`, `vault.policyName`. */
  readonly field: string;
  /** The same field as a path, for callers that group by its first segment. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Renders a path the way users write fields: `scopes[2]`, `backends.vault.maxTtl`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** One line per issue: `<field>: <message>`, or the message alone for the whole document. */
export function issueLine(issue: Issue): string {
  return issue.field === "" ? issue.message : `${issue.field}: ${issue.message}`;
}

/**
 * zod's issues as {@link Issue}s. An unrecognized key becomes one issue per key, at that key, with
 * a "did you mean" when a known key is close (`rotaton` → `rotation`). Messages never echo input
 * values that might be secret.
 */
/** The parts of a zod error this module reads (structural, so no zod type leaks into declarations). */
export interface SchemaError {
  readonly issues: readonly {
    readonly code: string;
    readonly path: readonly PropertyKey[];
    readonly message: string;
    readonly keys?: readonly string[];
  }[];
}

export function zodIssues(
  error: SchemaError,
  known: (path: readonly PropertyKey[]) => readonly string[] = () => [],
): Issue[] {
  return error.issues.flatMap((issue): Issue[] => {
    const path = issue.path.filter((k): k is string | number => typeof k !== "symbol");
    if (issue.code === "unrecognized_keys") {
      return (issue.keys ?? []).map((key) => {
        const at = [...path, key];
        const hint = closest(key, known(path));
        return {
          field: fieldPath(at),
          path: at,
          message: `unknown field${hint ? `; did you mean ${hint}?` : ""}`,
        };
      });
    }
    return [{ field: fieldPath(path), path, message: issue.message }];
  });
}

/** The lines of {@link zodIssues}. */
export function issueLines(error: SchemaError): string[] {
  return zodIssues(error).map(issueLine);
}

/** The known key closest to `key` (case-insensitive edit distance <= 2, or a shared prefix). */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j] + 1,
        row[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length];
}
