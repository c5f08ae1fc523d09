/**
 * Monitoring: New Relic. Formats: New Relic's API-key docs — user keys (NRAK- + 27 upper-case
 * alphanumerics), Insights insert and query keys (NRII-/NRIQ-), browser keys (NRJS-/NRBR- + 19
 * hex), ingest license keys (40 characters ending NRAL; EU keys start eu01xx) and mobile app
 * tokens (AA + 40 hex + -NRMA; EU keys start eu01xx). Every form carries its own marker, so
 * none needs the vendor named nearby. Cases are our own values in those formats.
 */
import { B64URL, ROTATE, randomLooking, standalone, type ScanRule } from "./kit";

const body = (s: string) => s.replace(/^NR[A-Z]{2}-|^eu01xx|^AA|-?NR(?:AL|MA)$/g, "");

export const MONITORING_RULES: readonly ScanRule[] = [
  {
    id: "newrelic-key",
    title: "New Relic key",
    description:
      "A New Relic user key (NRAK-), Insights insert or query key (NRII-, NRIQ-), browser key (NRJS-, NRBR-), license key (…NRAL) or mobile app token (…-NRMA).",
    severity: "high",
    remediation: `Delete the key in New Relic (API keys) and create a new one. ${ROTATE}`,
    detectors: [
      {
        pattern: standalone(
          "NRAK-[A-Z0-9]{27}|NRI[IQ]-[A-Za-z0-9_-]{25,32}|NR(?:JS|BR)-[a-f0-9]{19}",
          B64URL,
        ),
        keywords: ["nrak-", "nrii-", "nriq-", "nrjs-", "nrbr-"],
        validate: (s) => randomLooking(3.0)(body(s)),
      },
      {
        pattern: standalone(
          "(?:[a-fA-F0-9]{36}|eu01xx[a-fA-F0-9]{30})NRAL|(?:AA[a-f0-9]{40}|eu01xx[a-f0-9]{36})-NRMA",
          B64URL,
        ),
        keywords: ["nral", "-nrma"],
        validate: (s) => randomLooking(3.0)(body(s)),
      },
    ],
    cases: {
      tp: [
        (f) => `NEW_RELIC_API_KEY=NRAK-${f.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 27)}`,
        (f) => `newrelic:\n  insert_key: NRII-${f.b64url(32)}`,
        (f) => `license_key: '${f.hex(36)}NRAL'`,
        (f) => `NewRelic.start(withApplicationToken: "AA${f.hex(40)}-NRMA")`,
        (f) => `<script>NREUM.info={licenseKey:"NRJS-${f.hex(19)}"}</script>`,
      ],
      fp: [
        "NEW_RELIC_API_KEY=NRAK-XXXXXXXXXXXXXXXXXXXXXXXXXXX",
        "license_key: <your-license-key>NRAL",
        "# user keys start with NRAK-, browser keys with NRJS-",
      ],
    },
  },
];
