// Never deploy this stack: each resource breaks one tokenguard rule (named beside it), so
// `pulumi preview --policy-pack ../../policy-packs/tokenguard` shows every mandatory rule firing.
// Config tokenguard:enforcement is advisory (Pulumi.yaml), so ScopedToken warns instead of throwing
// and leaves the verdict to the policy pack; it still issues nothing for a token without a lifetime.
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import * as vault from "@pulumi/vault";
import { ScopedToken, type ScopedTokenArgs } from "tokenguard";

const owner = "team-examples";
const purpose = "shows the tokenguard policy pack refusing a bad token";

// token-expiry-required: no ttl at all (ScopedToken issues nothing for it).
new ScopedToken("no-expiry", {
  backend: "random",
  scopes: ["orders:read"],
  rotation: { every: "30d", overlap: "1d" },
  owner,
  purpose,
} as unknown as ScopedTokenArgs);

// token-max-ttl: 120 days, over the random backend's ceiling of 90 days.
new ScopedToken("too-long", {
  backend: "random",
  scopes: ["orders:read"],
  ttl: "120d",
  rotation: { every: "30d", overlap: "1d" },
  owner,
  purpose,
});

// token-rotation-required: never rotates.
new ScopedToken("never-rotates", {
  backend: "random",
  scopes: ["orders:read"],
  ttl: "30d",
  owner,
  purpose,
});

// token-least-privilege: a wildcard verb.
new ScopedToken("everything", {
  backend: "random",
  scopes: ["orders:*"],
  ttl: "31d",
  rotation: { every: "30d", overlap: "1d" },
  owner,
  purpose,
});

// token-arguments-valid: a misspelt field (rotaton), which would otherwise silently not apply.
new ScopedToken("misspelt", {
  backend: "random",
  scopes: ["orders:read"],
  ttl: "31d",
  rotation: { every: "30d", overlap: "1d" },
  rotaton: { every: "7d", overlap: "1d" },
  owner,
  purpose,
} as unknown as ScopedTokenArgs);

// token-alert-timing: an alarm 7d before expiry, but ttl - every is 1d: it would fire before every
// scheduled rotation (expiresAt - 7d is 6 days before rotatesAt).
new ScopedToken("alarm-too-early", {
  backend: "random",
  scopes: ["orders:read"],
  ttl: "31d",
  rotation: { every: "30d", overlap: "1d" },
  alert: { before: "7d" },
  owner,
  purpose,
});

// token-verified (advisory): the canary probe turned off.
new ScopedToken("unverified", {
  backend: "vault",
  scopes: ["secret/data/ci/*:read"],
  ttl: "31d",
  rotation: { every: "30d", overlap: "1d" },
  verify: false,
  owner,
  purpose,
});

// token-ownership (advisory): nobody answers for it.
new ScopedToken("orphaned-owner", {
  backend: "random",
  scopes: ["orders:read"],
  ttl: "31d",
  rotation: { every: "30d", overlap: "1d" },
});

// vault-provider-child-token: the default Vault provider, as it comes, would create this token
// under its own 20-minute child token, and Vault would revoke the token with it.
new ScopedToken("dies-with-the-run", {
  backend: "vault",
  scopes: ["secret/data/ci/*:read"],
  ttl: "31d",
  rotation: { every: "30d", overlap: "1d" },
  owner,
  purpose,
});

// vault-token-must-expire (and vault-token-orphan, advisory): a renewable orphan with no max.
new vault.Token("legacy-ci-token", {
  policies: ["ci-read"],
  renewable: true,
  noParent: true,
});

// vault-no-root-policies: a policy document with sudo on sys/.
new vault.Policy("legacy-admin", {
  name: "legacy-admin",
  policy: 'path "sys/*" {\n  capabilities = ["read", "sudo"]\n}\n',
});

// vault-policy-name-unique: a second document written under the same name, so both resources
// would share (and overwrite) one Vault policy.
new vault.Policy("legacy-admin-readonly", {
  name: "legacy-admin",
  policy: 'path "kv/data/legacy/*" {\n  capabilities = ["read"]\n}\n',
});

// aws-access-key-rotation: a bare access key; aws-iam-least-privilege: its user may do anything on S3.
const bot = new aws.iam.User("deploy-bot", { name: "deploy-bot" });
new aws.iam.AccessKey("deploy-bot-key", { user: bot.name });
new aws.iam.UserPolicy("deploy-bot-policy", {
  user: bot.name,
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }],
  }),
});

// aws-secret-rotation: a token in Secrets Manager that nothing rotates.
new aws.secretsmanager.Secret("webhook-token", { name: "webhook-token" });

// random-token-strength: a 16-character session secret (about 13 bytes of entropy).
new random.RandomPassword("session-secret", { length: 16 });
