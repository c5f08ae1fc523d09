import type { z } from "zod";

/** Renders a zod issue path the way users write fields: `scopes[2]`, `backends.vault.maxTtl`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** One line per issue: `<field>: <message>`. Messages never echo input values that might be secret. */
export function issueLines(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const field = fieldPath(issue.path);
    return field === "" ? issue.message : `${field}: ${issue.message}`;
  });
}
