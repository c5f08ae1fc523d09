/** Raw random resources that generate tokens must carry enough entropy. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { looksLikeToken, ownedByScopedToken, TOKEN_NAME_WORDS } from "../rules/ownership";
import { DEFAULT_MIN_BYTES, judgeRandomStrength, RANDOM_TYPES } from "../rules/raw-random";
import { configWithDefaults, metadata } from "./config";
import { forTypes, reportAll } from "./facts";

const FACTS = [
  "length",
  "byteLength",
  "lower",
  "upper",
  "numeric",
  "number",
  "special",
  "overrideSpecial",
] as const;

const schema = {
  properties: {
    minBytes: {
      type: "integer" as const,
      minimum: 16,
      default: DEFAULT_MIN_BYTES,
      description: "Least entropy, in bytes, of a generated token.",
    },
    nameWords: {
      type: "array" as const,
      items: { type: "string" as const },
      default: [...TOKEN_NAME_WORDS],
      description:
        "A random resource whose name contains one of these words generates a token (ScopedToken's children always do).",
    },
  },
};

export const randomTokenStrength: ResourceValidationPolicy = {
  ...metadata("random-token-strength"),
  configSchema: schema,
  validateResource: forTypes(Object.values(RANDOM_TYPES), (args, report) => {
    const config = configWithDefaults<{ minBytes: number; nameWords: string[] }>(
      schema,
      args.getConfig(),
    );
    if (!ownedByScopedToken(args.urn) && !looksLikeToken(args.name, config.nameWords)) {
      return args.notApplicable("the resource's name does not say it generates a token");
    }
    // Reading a fact unknown at preview throws: the SDK reports "can't be known during preview".
    const facts = Object.fromEntries(
      FACTS.filter((f) => f in args.props).map((f) => [f, args.props[f] as unknown]),
    );
    reportAll(judgeRandomStrength(args.type, facts, config.minBytes), report);
  }),
};

export const randomPolicies = [randomTokenStrength];
