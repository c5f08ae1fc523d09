/**
 * Raw AWS resources, judged over a plain view of the stack (./aws/stack): which principals hold
 * tokens and what they may do (./aws/principals, the escalation model of ./aws/escalation), and
 * whether access keys and secrets rotate (./aws/rotation). The policy pack imports from here.
 */
export {
  AWS_TYPES,
  tokenPrincipals,
  type NodeFinding,
  type StackNode,
  type TokenPrincipals,
} from "./aws/stack";
export {
  DEFAULT_FORBIDDEN_MANAGED_POLICIES,
  judgeTokenPrincipalPolicies,
  type IamOptions,
} from "./aws/principals";
export { judgeAccessKeys, judgeTokenSecrets, rotationSeconds } from "./aws/rotation";
