/**
 * The zod schema of `tokens.<name>.approvedWidening` entries (./widening-approval). Kept apart so no
 * zod type reaches the package's declarations.
 */
import { z } from "zod";
import { DurationError, parseDuration } from "./duration";
import { APPROVAL_KINDS } from "./widening-approval";

const durationSeconds = (field: string) =>
  z.string({ message: `${field} must be a duration like "60d"` }).transform((text, ctx) => {
    try {
      return parseDuration(text);
    } catch (e) {
      ctx.addIssue({ code: "custom", message: e instanceof DurationError ? e.message : String(e) });
      return z.NEVER;
    }
  });

const awsScope = z.strictObject({
  actions: z.array(z.string().min(1)).min(1),
  resources: z.array(z.string().min(1)).min(1),
});

export const wideningApprovalSchema = z
  .strictObject({
    scope: z
      .union([z.string().min(1), awsScope], {
        message:
          'scope must be a scope of the token\'s backend: "path:caps", "resource:verb", a name, or { actions, resources }',
      })
      .optional(),
    ttl: durationSeconds("ttl").optional(),
    rotation: durationSeconds("rotation").optional(),
    ownerRemoved: z.literal(true, { message: "ownerRemoved must be true" }).optional(),
    reason: z
      .string({ message: "reason is required: say why this widening is approved" })
      .trim()
      .min(1, "reason must not be empty: say why this widening is approved"),
  })
  .superRefine((entry, ctx) => {
    const named = APPROVAL_KINDS.filter((k) => entry[k] !== undefined);
    if (named.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message: `an approval names exactly one of ${APPROVAL_KINDS.join(", ")}${named.length ? ` (this one names ${named.join(" and ")}; split it)` : ""}`,
      });
    }
  });
