/**
 * Azure credentials carried in URLs: shared access signatures and Functions keys. Formats:
 * Microsoft's SAS docs (a query string with the signed version sv=YYYY-MM-DD and the signature
 * sig=, an HMAC-SHA256 in base64 — 43 characters and "=" — URL-encoded or not) and Azure
 * Functions' invocation URLs (https://<app>.azurewebsites.net/api/<function>?code=<key>). Cases
 * are our own values in those formats.
 */
import { ROTATE, linesAround, randomLooking, type ScanRule } from "./kit";

/** One base64 character of a signature, plain or URL-encoded (%2B, %2F). */
const SIG_CHAR = "(?:[A-Za-z0-9+/]|%2[BbFf])";

/** A %-encoded value decoded, or as written when its escapes are malformed (`%E0%A4…`). */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Characters that end a URL in text. */
const URL_END = /[\s"'`<>]/;

/** The signature's own query string (the run of URL characters around it) carries sv=<date>. */
function inSasQuery(ctx: { content: string; start: number }): boolean {
  const line = linesAround(ctx.content, ctx.start, 0, 0);
  const at = ctx.start - ctx.content.lastIndexOf("\n", ctx.start - 1) - 1;
  // Walked, not matched with a regex anchored at the end: linear on a long minified line.
  let left = at;
  while (left > 0 && !URL_END.test(line[left - 1])) left--;
  const right = line.slice(at).search(URL_END);
  const query = line.slice(left, right === -1 ? line.length : at + right);
  return /(?:^|[?&;])sv=\d{4}-\d{2}-\d{2}(?:&|$)/.test(query);
}

export const AZURE_URL_RULES: readonly ScanRule[] = [
  {
    id: "azure-sas-token",
    title: "Azure shared access signature",
    description:
      "The signature (sig=) of an Azure shared access signature: a storage, Service Bus or Event Hubs SAS URL or token whose query carries the signed version sv=.",
    severity: "high",
    remediation: `Rotate the account key or revoke the stored access policy that signed it, and issue short-lived SAS from code. ${ROTATE}`,
    detectors: [
      {
        pattern: new RegExp(
          `(?<=[?&;])sig=(?<secret>${SIG_CHAR}{43}(?:=|%3[Dd])?)(?![A-Za-z0-9+/%])`,
          "g",
        ),
        keywords: ["sig="],
        validate: (secret, ctx) => randomLooking(3.5)(decoded(secret)) && inSasQuery(ctx),
      },
    ],
    cases: {
      tp: [
        (f) =>
          `BLOB_URL=https://orders.blob.core.windows.net/exports?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2031-01-01T00:00:00Z&spr=https&sig=${encodeURIComponent(f.base64Bytes(32))}`,
        (f) =>
          `"sasToken": "sp=r&st=2030-01-01T00:00:00Z&se=2030-02-01T00:00:00Z&spr=https&sv=2023-01-03&sr=c&sig=${f.base64Bytes(32)}"`,
      ],
      fp: [
        "https://orders.blob.core.windows.net/exports?sv=2022-11-02&sp=r&sig=<signature>",
        (f) => `https://cdn.internal/asset.js?v=3&sig=${f.base64Bytes(32)}`,
        "BLOB_URL=https://orders.blob.core.windows.net/exports?sv=2022-11-02&sig=${SAS_SIGNATURE}",
      ],
    },
  },
  {
    id: "azure-function-key",
    title: "Azure Functions key in a URL",
    description:
      "A function or host key in an Azure Functions invocation URL (…azurewebsites.net/api/<function>?code=<key>).",
    severity: "high",
    remediation: `Renew the function key (Function App → App keys / Function keys) and send it in the x-functions-key header from a secret store. ${ROTATE}`,
    detectors: [
      {
        pattern:
          /\.azurewebsites\.net\/api\/[^\s?#"'`]{0,256}\?(?:[^\s#"'`]{0,1024}&)?code=(?<secret>[A-Za-z0-9_%=-]{40,120})/g,
        keywords: ["azurewebsites.net"],
        validate: (secret) => randomLooking(3.8)(decoded(secret)),
      },
    ],
    cases: {
      tp: [
        (f) =>
          `WEBHOOK_URL=https://orders-fn.azurewebsites.net/api/OnOrderCreated?code=${f.b64url(54)}==`,
        (f) =>
          `fetch("https://orders-fn.azurewebsites.net/api/export?format=csv&code=${f.b64url(54)}%3D%3D")`,
      ],
      fp: [
        "WEBHOOK_URL=https://orders-fn.azurewebsites.net/api/OnOrderCreated?code=<function-key>",
        "https://orders-fn.azurewebsites.net/api/OnOrderCreated?code=${FUNCTION_KEY}",
        // Malformed %-escapes are judged as written, not thrown.
        "https://orders-fn.azurewebsites.net/api/export?code=%E0%A4%A%E0%A4%A%E0%A4%A%E0%A4%A%E0%A4%A%E0%A4%A",
      ],
    },
  },
];
