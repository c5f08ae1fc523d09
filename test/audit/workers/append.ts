/**
 * A separate process appending to a ledger through the real provider path (lock, read, verify,
 * decide, append). argv: <ledger> <writer> <count> <startAtEpochMs>; an s3:// ledger takes its
 * endpoint and retention from TG_S3_ENDPOINT and TG_S3_RETENTION.
 */
import { ledgerProvider } from "../../../lib/audit/provider";
import { parseSinkSpec } from "../../../lib/audit/sinks";
import { entryInputs } from "../fixtures";

async function main(): Promise<void> {
  const [ledger, writer, count, startAt] = process.argv.slice(2);
  const wait = Number(startAt) - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const sink = parseSinkSpec(ledger, {
    endpoint: process.env.TG_S3_ENDPOINT,
    retention: process.env.TG_S3_RETENTION,
  });
  for (let i = 0; i < Number(count); i++) {
    const inputs = entryInputs(sink, i, {
      tokenUrn: `urn:pulumi:unit::tgtest::tokenguard:index:ScopedToken::${writer}`,
      token: writer,
      fingerprint: `${writer}-${i}`.padEnd(64, "0").replace(/[^0-9a-f]/g, "e"),
    });
    await ledgerProvider.create!(inputs);
    await new Promise((r) => setTimeout(r, 2)); // the engine's work between two steps
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
