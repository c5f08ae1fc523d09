/** The official SARIF 2.1.0 (rtm.5) schema, as shipped in Microsoft's @microsoft/jest-sarif, compiled once. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";

let compiled: ReturnType<Ajv["compile"]> | undefined;

export function sarifValidator(): ReturnType<Ajv["compile"]> {
  if (compiled) return compiled;
  const file = path.join(
    path.dirname(require.resolve("@microsoft/jest-sarif/package.json")),
    "lib",
    "schemas",
    "sarif-2.1.0-rtm.5.json",
  );
  const schema = JSON.parse(readFileSync(file, "utf8"));
  // The schema's `language` pattern has a stray "]" that only non-unicode regexes accept.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  compiled = ajv.compile(schema);
  return compiled;
}
