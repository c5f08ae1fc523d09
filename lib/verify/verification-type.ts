/** The verification's Pulumi type token (apart from the resource, so pure readers need no Pulumi). */
export const VERIFICATION_TYPE = "pulumi-nodejs:dynamic/tokenguard:Verification";
