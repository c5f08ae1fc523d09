// The tokenguard policy pack: builds the PolicyPack from the per-domain modules, nothing else.
import { PolicyPack } from "@pulumi/policy";
import { awsPolicies } from "./aws";
import { randomPolicies } from "./random";
import { tokenPolicies } from "./token";
import { vaultPolicies } from "./vault";

const policies = [...tokenPolicies, ...vaultPolicies, ...awsPolicies, ...randomPolicies];

new PolicyPack("tokenguard", { policies });
