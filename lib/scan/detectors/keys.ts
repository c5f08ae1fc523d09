/**
 * Key material: PEM private keys, Kubernetes Secret manifests, secp256k1 (Ethereum/Bitcoin) hex
 * private keys. Formats: RFC 7468 (PEM labels); the Kubernetes Secret API (data: base64 values,
 * stringData: plain values); secp256k1 private keys as 64 hex digits, often 0x-prefixed. Cases
 * follow gitleaks' rules/{privatekey,kubernetes}.go and secretlint's privatekey and
 * secp256k1-privatekey snapshots, with our own values.
 */
import { isNoiseBody, isReference, keyBody, plausibleSecret } from "../noise";
import { ROTATE, SL, randomLooking, vendorNamed, type MatchContext, type ScanRule } from "./kit";

/** The YAML document (between --- lines) around `at`. */
function yamlDocument(content: string, at: number): string {
  const before = content.lastIndexOf("\n---", at);
  const after = content.indexOf("\n---", at);
  return content.slice(before === -1 ? 0 : before, after === -1 ? content.length : after);
}

/** True when the value at ctx sits in a data:/stringData: block of a `kind: Secret` document. */
function inSecretData(ctx: MatchContext): "data" | "stringData" | undefined {
  if (!/^\s*kind:[ \t]*["']?secret["']?[ \t]*$/im.test(yamlDocument(ctx.content, ctx.start)))
    return undefined;
  // The match starts at the key's line (a block scalar's value is on the next one).
  const lineStart = ctx.matchStart;
  const indent = /^[ \t]*/.exec(ctx.content.slice(lineStart))![0].length;
  if (indent === 0) return undefined;
  // Walk up to the first line indented less: the block's key.
  for (let end = lineStart - 1; end > 0;) {
    const start = ctx.content.lastIndexOf("\n", end - 1) + 1;
    const line = ctx.content.slice(start, end);
    end = start - 1;
    if (line.trim() === "" || line.trim().startsWith("#")) continue;
    const lineIndent = /^[ \t]*/.exec(line)![0].length;
    if (lineIndent < indent) {
      const key = /^\s*(data|stringData):\s*$/.exec(line);
      return key ? (key[1] as "data" | "stringData") : undefined;
    }
  }
  return undefined;
}

const HASH_WORDS =
  /hash|digest|checksum|sha|tx|transaction|block|root|salt|nonce|address|topic|commit|keccak|signature|\bid\b|public/i;

export const KEY_RULES: readonly ScanRule[] = [
  {
    id: "private-key",
    title: "Private key",
    description: "A PEM-encoded private key (RSA, EC, DSA, OpenSSH, PKCS#8, PGP).",
    severity: "critical",
    remediation: "Replace the key pair, remove the key from the repository and its history.",
    allowInBase64: true,
    isNoise: isNoiseBody,
    detectors: [
      {
        // The body may be real lines or "\n"-escaped (JSON, env files).
        pattern:
          /-----BEGIN (?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----(?<secret>(?:\\[rn]|[\sA-Za-z0-9+/=:,-]){40,16384}?)-----END (?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----/g,
        keywords: ["private key"],
        validate: (body) => keyBody(body).length >= 40,
      },
    ],
    cases: {
      tp: [
        (f) =>
          `-----BEGIN RSA PRIVATE KEY-----\n${f.b64(64)}\n${f.b64(64)}\n${f.b64(20)}==\n-----END RSA PRIVATE KEY-----`,
        (f) =>
          `{"key": "-----BEGIN OPENSSH PRIVATE KEY-----\\n${f.b64(70)}\\n${f.b64(30)}\\n-----END OPENSSH PRIVATE KEY-----\\n"}`,
      ],
      fp: [
        "-----BEGIN PRIVATE KEY-----\nREDACTED-REDACTED-REDACTED-REDACTED-REDACTED\n-----END PRIVATE KEY-----",
        (f) => `-----BEGIN PUBLIC KEY-----\n${f.b64(64)}\n-----END PUBLIC KEY-----`,
      ],
    },
    secretlint: [`${SL}privatekey#PrivateKey`],
  },
  {
    id: "kubernetes-secret",
    title: "Kubernetes Secret data",
    description:
      "A value under data: (base64) or stringData: in a Kubernetes `kind: Secret` manifest — base64 is an encoding, not protection.",
    severity: "high",
    remediation: `Move the value to a secret store (External Secrets, Sealed Secrets, SOPS) and rotate it. ${ROTATE}`,
    detectors: [
      {
        pattern:
          /^[ \t]+[\w.-]+:[ \t]*(?:[|>][-+]?[ \t]*\n[ \t]+)?(?<q>["']?)(?<secret>[A-Za-z0-9+/]{8,}={0,2})\k<q>[ \t]*$/gm,
        keywords: ["secret"],
        validate: (secret, ctx) =>
          inSecretData(ctx) === "data" && !/^(?:true|false|null)$/i.test(secret),
      },
      {
        pattern: /^[ \t]+[\w.-]+:[ \t]*(?<q>["']?)(?<secret>[^\s"'#{}]{8,})\k<q>[ \t]*$/gm,
        keywords: ["stringdata"],
        validate: (secret, ctx) =>
          inSecretData(ctx) === "stringData" && plausibleSecret(secret, "password"),
      },
    ],
    cases: {
      tp: [
        {
          file: "deploy/secret.yaml",
          text: (f) =>
            `apiVersion: v1\nkind: Secret\nmetadata:\n  name: orders-db\ntype: Opaque\ndata:\n  password: ${f.base64Bytes(18)}\n  username: b3JkZXJz\n`,
        },
        (f) =>
          `apiVersion: v1\ndata:\n  token: ${f.base64Bytes(30)}\nkind: Secret\nmetadata:\n  name: api`,
        (f) => `kind: Secret\napiVersion: v1\nstringData:\n  DB_PASSWORD: "${f.mixed(12)}!"\n`,
        (f) =>
          `apiVersion: v1\ndata:\n  .dockerconfigjson: |\n    ${f.base64Bytes(60)}\nkind: 'secret'\n`,
      ],
      fp: [
        'kind: Secret\ndata:\n  password: {{ .Values.password | b64enc }}\n  token: ""\n',
        (f) => `kind: ConfigMap\ndata:\n  blob: ${f.base64Bytes(30)}\n`,
        (f) =>
          `kind: ExternalSecret\nspec:\n  data:\n    - secretKey: db-password\n      remoteRef:\n        key: ${f.alnum(6).toLowerCase()}/orders\n`,
      ],
    },
  },
  {
    id: "secp256k1-private-key",
    title: "secp256k1 private key",
    description:
      "A 64-hex-digit secp256k1 (Ethereum, Bitcoin) private key: 0x-prefixed, or named as a private key / wallet key.",
    severity: "critical",
    remediation: "Move the funds to a new wallet: a published wallet key cannot be rotated.",
    detectors: [
      {
        pattern: /(?<![0-9A-Za-z])(?<secret>(?:0x)?[0-9a-fA-F]{64})(?![0-9A-Za-z])/g,
        keywords: ["0x", "priv", "wallet", "mnemonic", "secp256k1", "signer", "eth"],
        validate: (secret, ctx) => {
          const body = secret.replace(/^0x/, "");
          if (!randomLooking(3.3)(body) || isReference(body)) return false;
          const named = vendorNamed(
            /priv(?:ate)?[_ -]?key|privkey|wallet|mnemonic|secp256k1|signer|deployer[_ -]?key|eth[_ -]?key/i,
            80,
          )(ctx);
          const line = ctx.content.slice(ctx.content.lastIndexOf("\n", ctx.start) + 1, ctx.start);
          return named || (secret.startsWith("0x") && !HASH_WORDS.test(line));
        },
      },
    ],
    cases: {
      tp: [
        (f) => `Oops, left this here: 0x${f.hex(30)}A5${f.hex(32)}!`,
        (f) => `PRIVATE_KEY=${f.hex(64)}`,
        (f) => `const wallet = new ethers.Wallet("0x${f.hex(64)}", provider);`,
      ],
      fp: [
        (f) => `DOTENV_PUBLIC_KEY="03${f.hex(64)}"`,
        (f) => `"packageManager": "pnpm@10.4.1+sha512.${f.hex(128)}"`,
        (f) => `tx_hash = "0x${f.hex(64)}"`,
        (f) => `checksum ${f.hex(64)}`,
      ],
    },
  },
];
