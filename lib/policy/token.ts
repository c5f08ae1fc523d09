/**
 * The token-* rules on a ScopedToken's summary (the args it gives super(), which reach the
 * analyzer as its inputs): read with the one summary contract and judged by the same function as
 * the component's own check, against the same policy file.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { TOKEN_RULES, type Finding, type TokenRule } from "../rules/catalog";
import { judgeDeclaration } from "../rules/declaration";
import { SCOPED_TOKEN_TYPE } from "../rules/ownership";
import { parseSummary, SummaryError } from "../schema/summary";
import { DECLARATION_FIELDS } from "../schema/token";
import { configWithDefaults, metadata, POLICY_SOURCE_PROPERTIES, policyFor } from "./config";
import { forTypes, plain, reportAll } from "./facts";

/**
 * The summary fields the rules judge, as plain JSON. Each read goes through the SDK's unknown-value
 * check; the schedule fields (unknown at preview when a program computes them) are not read.
 */
function summaryProps(args: ResourceValidationArgs): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const field of [...DECLARATION_FIELDS, "argumentProblems"]) {
    if (field in args.props) props[field] = plain(args.props[field]);
  }
  return props;
}

/** A ScopedToken that reported nothing to judge: fail closed, naming why that happens. */
const NO_SUMMARY: Finding = {
  rule: "token-least-privilege",
  field: "",
  message:
    "this ScopedToken reported no declaration to the engine, so nothing can vouch for its scopes or lifetime: @pulumi/pulumi before 3.202 does not send a component's arguments, and PULUMI_NODEJS_SKIP_COMPONENT_INPUTS turns that off; upgrade @pulumi/pulumi or unset the variable",
};

/** Every finding on a ScopedToken summary: argument and structural problems, else the rules'. */
export function judgeSummary(args: ResourceValidationArgs, config: object): Finding[] {
  const props = summaryProps(args);
  if (!DECLARATION_FIELDS.some((f) => f !== "name" && props[f] !== undefined)) return [NO_SUMMARY];
  let summary;
  try {
    summary = parseSummary(props, args.name);
  } catch (e) {
    if (!(e instanceof SummaryError)) throw e;
    return [{ ...NO_SUMMARY, message: e.message }];
  }
  return [...judgeDeclaration(summary, policyFor(config), summary.argumentProblems).findings];
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
