/**
 * The five token-* rules on a ScopedToken's summary (the args it gives super(), which reach the
 * analyzer as its inputs): parsed with the same parser and judged by the same function as the
 * component's own check, against the same policy file.
 */
import type { ResourceValidationPolicy, ResourceValidationArgs } from "@pulumi/policy";
import { TOKEN_RULES, type Finding, type TokenRule } from "../rules/catalog";
import { SCOPED_TOKEN_TYPE } from "../rules/ownership";
import { judgeToken } from "../rules/token-rules";
import { parseTokenSpec, TokenSpecError } from "../schema/token";
import { configWithDefaults, metadata, POLICY_SOURCE_PROPERTIES, policyFor } from "./config";
import { forTypes, plain, reportAll } from "./facts";

const DECLARATION_FIELDS = ["name", "backend", "scopes", "ttl", "rotation", "owner", "purpose"];

/** The declaration in a ScopedToken summary, as plain JSON. */
export function declarationFrom(args: ResourceValidationArgs): Record<string, unknown> {
  const decl: Record<string, unknown> = {};
  for (const field of DECLARATION_FIELDS) {
    if (field in args.props) decl[field] = plain(args.props[field]);
  }
  decl.name ??= args.name;
  return decl;
}

/** Which rule a structural problem belongs to, by the field it names. */
function ruleForField(line: string): TokenRule {
  const field = line.split(/[:.[\s]/)[0];
  if (field === "ttl") return "token-expiry-required";
  if (field === "rotation") return "token-rotation-required";
  if (field === "owner" || field === "purpose") return "token-ownership";
  return "token-least-privilege"; // backend, scopes, name: what the token may reach
}

/** Every finding on a ScopedToken summary: structural problems first, else the rules' verdict. */
export function judgeSummary(args: ResourceValidationArgs, config: object): Finding[] {
  let spec;
  try {
    spec = parseTokenSpec(declarationFrom(args));
  } catch (e) {
    if (!(e instanceof TokenSpecError)) throw e;
    return e.problems.map((line) => ({
      rule: ruleForField(line),
      field: line.split(":")[0],
      message: line,
    }));
  }
  return judgeToken(spec, policyFor(config));
}

function tokenPolicy(name: TokenRule): ResourceValidationPolicy {
  const configSchema = { properties: POLICY_SOURCE_PROPERTIES };
  return {
    ...metadata(name),
    configSchema,
    validateResource: forTypes([SCOPED_TOKEN_TYPE], (args, report) => {
      const config = configWithDefaults(configSchema, args.getConfig());
      reportAll(
        judgeSummary(args, config).filter((f) => f.rule === name),
        report,
      );
    }),
  };
}

export const tokenPolicies: ResourceValidationPolicy[] = (
  Object.keys(TOKEN_RULES) as TokenRule[]
).map(tokenPolicy);
