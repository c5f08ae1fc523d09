/**
 * IAM's last-accessed report for one principal: GenerateServiceLastAccessedDetails at ACTION_LEVEL,
 * then GetServiceLastAccessedDetails until the job completes (every page). Uses the AWS SDK v3
 * IAM client, an optional peer loaded only for `usage --aws`; credentials, region and endpoint
 * come from the SDK's usual chain (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL_IAM, …).
 */
import type * as IamSdk from "@aws-sdk/client-iam";
import { requirePeer } from "../peer";
import type { ServiceLastAccessed } from "./aws-usage";

export interface IamOptions {
  /** An IAM endpoint (tests); otherwise the SDK's own resolution. */
  readonly endpoint?: string;
  readonly region?: string;
  /** Between polls of a running job. @default 2000 */
  readonly pollMs?: number;
  /** Give up on a job after this long. @default 300000 */
  readonly timeoutMs?: number;
}

/** An IAM call that failed; the message names the call and the principal, never a credential. */
export class IamUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IamUsageError";
  }
}

function describe(e: unknown): string {
  const err = e as { name?: string; message?: string };
  // The SDK's messages can run over several lines (a deserialisation hint): the first says it.
  return `${err?.name ?? "Error"}: ${(err?.message ?? String(e)).split("\n")[0].trim()}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A client for the calls below. */
export function iamClient(options: IamOptions = {}): {
  sdk: typeof IamSdk;
  client: IamSdk.IAMClient;
} {
  const sdk = requirePeer<typeof IamSdk>("@aws-sdk/client-iam", "tokenguard usage --aws");
  const client = new sdk.IAMClient({
    region:
      options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1",
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    maxAttempts: 3,
  });
  return { sdk, client };
}

/** Every service (with tracked actions) IAM reports for `arn`. */
export async function serviceLastAccessed(
  arn: string,
  options: IamOptions = {},
  { sdk, client } = iamClient(options),
): Promise<ServiceLastAccessed[]> {
  let jobId: string | undefined;
  try {
    const started = await client.send(
      new sdk.GenerateServiceLastAccessedDetailsCommand({ Arn: arn, Granularity: "ACTION_LEVEL" }),
    );
    jobId = started.JobId;
  } catch (e) {
    throw new IamUsageError(
      `IAM GenerateServiceLastAccessedDetails for ${arn} failed: ${describe(e)}`,
    );
  }
  if (!jobId) throw new IamUsageError(`IAM returned no JobId for ${arn}`);
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  const services: ServiceLastAccessed[] = [];
  let marker: string | undefined;
  for (;;) {
    let page;
    try {
      page = await client.send(
        new sdk.GetServiceLastAccessedDetailsCommand({ JobId: jobId, Marker: marker }),
      );
    } catch (e) {
      throw new IamUsageError(
        `IAM GetServiceLastAccessedDetails for ${arn} failed: ${describe(e)}`,
      );
    }
    if (page.JobStatus === "FAILED") {
      throw new IamUsageError(
        `IAM could not report last access for ${arn}: ${page.Error?.Message ?? "the job failed"}`,
      );
    }
    if (page.JobStatus !== "COMPLETED") {
      if (Date.now() > deadline) {
        throw new IamUsageError(`IAM's last-accessed job for ${arn} did not complete in time`);
      }
      await sleep(options.pollMs ?? 2000);
      continue;
    }
    services.push(...(page.ServicesLastAccessed ?? []));
    if (!page.IsTruncated || !page.Marker) return services;
    marker = page.Marker;
  }
}
