// The tokenguard CrossGuard policy pack: tokenguard's policies as the package exports them
// (tokenguard/policy), nothing else. Run it from an installed package:
//   pulumi preview --policy-pack node_modules/tokenguard/policy-packs/tokenguard
// or copy this folder to publish it to your organisation: `pulumi policy publish`.
"use strict";
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: run-policy-pack require()s it */

/** `require(module)`; when its package is not installed, one line naming the fix, and exit 2. */
function load(module, pkg) {
  try {
    return require(module);
  } catch (e) {
    if (e && e.code === "MODULE_NOT_FOUND" && String(e.message).includes(`'${module}'`)) {
      process.stderr.write(
        `tokenguard policy pack: cannot find ${pkg} from ${__dirname}; install it in the project that runs pulumi: npm install ${pkg}\n`,
      );
      process.exit(2);
    }
    throw e;
  }
}

const { PolicyPack } = load("@pulumi/policy", "@pulumi/policy");
const { tokenguardPolicies, PACK_NAME } = load("tokenguard/policy", "tokenguard");

new PolicyPack(PACK_NAME, { policies: tokenguardPolicies() });
