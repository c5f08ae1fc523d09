/**
 * `usage --aws`: IAM last-accessed data mapped to an aws-iam token's declared actions.
 *
 * moto (test/helpers/moto.ts) does not implement GenerateServiceLastAccessedDetails or
 * GetServiceLastAccessedDetails (moto 5.2.5 answers them with an HTML error page), so the last
 * test records that against moto, and the calls are otherwise tested through the real AWS SDK
 * against a local server answering in the response format of the IAM API reference
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetServiceLastAccessedDetails.html),
 * with our own values.
 */
import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { serviceLastAccessed, IamUsageError } from "../../lib/usage/aws-iam";
import { awsFindings, type ServiceLastAccessed } from "../../lib/usage/aws-usage";
import type { UsageReport } from "../../lib/usage/model";
import { runCli, tempDir } from "../helpers/cli";
import { startMoto } from "../helpers/moto";
import { stackExport } from "./fixtures";

const BUCKET = ["arn:aws:s3:::orders-exports", "arn:aws:s3:::orders-exports/*"];
const SCOPES = [
  { actions: ["s3:GetObject", "s3:PutBucketPolicy"], resources: BUCKET },
  { actions: ["sqs:SendMessage"], resources: ["arn:aws:sqs:us-east-1:111122223333:orders"] },
  { actions: ["iam:Get*"], resources: ["arn:aws:iam::111122223333:user/tokenguard/*"] },
];
const WINDOW_START = Date.parse("2026-02-01T00:00:00Z") / 1000;

/** What IAM reports for the token's user: S3 and IAM used in the window, SQS never. */
const SERVICES: ServiceLastAccessed[] = [
  {
    ServiceName: "Amazon S3",
    ServiceNamespace: "s3",
    LastAuthenticated: new Date("2026-03-05T12:00:00Z"),
    TrackedActionsLastAccessed: [
      { ActionName: "PutBucketPolicy", LastAccessedTime: new Date("2025-06-01T00:00:00Z") },
    ],
  },
  { ServiceName: "Amazon SQS", ServiceNamespace: "sqs" },
  {
    ServiceName: "AWS Identity and Access Management",
    ServiceNamespace: "iam",
    LastAuthenticated: new Date("2026-03-04T08:00:00Z"),
    TrackedActionsLastAccessed: [
      { ActionName: "iam:GetUser", LastAccessedTime: new Date("2026-03-04T08:00:00Z") },
    ],
  },
];

const xmlDate = (d: Date | string | undefined) => (d instanceof Date ? d.toISOString() : d);

/** GetServiceLastAccessedDetails' XML, as the IAM API reference documents it. */
function detailsXml(status: string, services: ServiceLastAccessed[], marker?: string): string {
  const member = (s: ServiceLastAccessed) => `<member>
        <ServiceName>${s.ServiceName}</ServiceName>
        <ServiceNamespace>${s.ServiceNamespace}</ServiceNamespace>
        ${s.LastAuthenticated ? `<LastAuthenticated>${xmlDate(s.LastAuthenticated)}</LastAuthenticated><LastAuthenticatedEntity>arn:aws:iam::111122223333:user/tokenguard/p/tg-prod-exports-user</LastAuthenticatedEntity><TotalAuthenticatedEntities>1</TotalAuthenticatedEntities>` : "<TotalAuthenticatedEntities>0</TotalAuthenticatedEntities>"}
        ${s.TrackedActionsLastAccessed ? `<TrackedActionsLastAccessed>${s.TrackedActionsLastAccessed.map((t) => `<member><ActionName>${t.ActionName}</ActionName>${t.LastAccessedTime ? `<LastAccessedTime>${xmlDate(t.LastAccessedTime)}</LastAccessedTime><LastAccessedRegion>us-east-1</LastAccessedRegion>` : ""}</member>`).join("")}</TrackedActionsLastAccessed>` : ""}
      </member>`;
  return `<GetServiceLastAccessedDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <GetServiceLastAccessedDetailsResult>
    <JobStatus>${status}</JobStatus>
    <JobType>ACTION_LEVEL</JobType>
    <JobCreationDate>2026-03-10T00:00:00Z</JobCreationDate>
    <ServicesLastAccessed>${services.map(member).join("")}</ServicesLastAccessed>
    ${status === "COMPLETED" ? "<JobCompletionDate>2026-03-10T00:00:05Z</JobCompletionDate>" : ""}
    <IsTruncated>${marker ? "true" : "false"}</IsTruncated>
    ${marker ? `<Marker>${marker}</Marker>` : ""}
  </GetServiceLastAccessedDetailsResult>
  <ResponseMetadata><RequestId>2f0b9c1e-0000-4000-8000-000000000001</RequestId></ResponseMetadata>
</GetServiceLastAccessedDetailsResponse>`;
}

/** A local IAM endpoint: one job, IN_PROGRESS once, then two pages. Records every call. */
async function documentedIam(): Promise<{
  endpoint: string;
  calls: URLSearchParams[];
  close: () => Promise<void>;
}> {
  const calls: URLSearchParams[] = [];
  let polls = 0;
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const params = new URLSearchParams(body);
      calls.push(params);
      res.setHeader("Content-Type", "text/xml");
      if (params.get("Action") === "GenerateServiceLastAccessedDetails") {
        res.end(`<GenerateServiceLastAccessedDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <GenerateServiceLastAccessedDetailsResult><JobId>examplef-1305-c245-eba4-71fe298bcda7</JobId></GenerateServiceLastAccessedDetailsResult>
  <ResponseMetadata><RequestId>2f0b9c1e-0000-4000-8000-000000000000</RequestId></ResponseMetadata>
</GenerateServiceLastAccessedDetailsResponse>`);
      } else if (polls++ === 0) res.end(detailsXml("IN_PROGRESS", []));
      else if (!params.get("Marker"))
        res.end(detailsXml("COMPLETED", SERVICES.slice(0, 2), "page-2"));
      else res.end(detailsXml("COMPLETED", SERVICES.slice(2)));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const CREDS = {
  AWS_ACCESS_KEY_ID: "AKIDEXAMPLEUSAGE0001",
  AWS_SECRET_ACCESS_KEY: "example-secret-usage",
  AWS_REGION: "us-east-1",
};

function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  return fn().finally(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}

describe("usage: IAM last-accessed data for aws-iam tokens", function () {
  this.timeout(120_000);

  it("maps services and tracked actions to the declared actions", () => {
    const f = awsFindings(SCOPES, SERVICES, WINDOW_START);
    assert.deepEqual(
      f.scopes.map((s) => [s.status, s.used.map((u) => `${u.what}@${u.granularity}`), s.unused]),
      [
        ["partly-used", ["s3:GetObject@service"], ["s3:PutBucketPolicy"]],
        ["unused", [], ["sqs:SendMessage"]],
        ["used", ["iam:Get*@service"], []],
      ],
    );
    assert.deepEqual(f.proposed, [
      { actions: ["s3:GetObject"], resources: BUCKET },
      { actions: ["iam:Get*"], resources: SCOPES[2].resources },
    ]);
    assert.equal(f.scopes[0].count, null, "IAM does not count requests");
  });

  it("a tracked exact action used in the window is judged at action level; a service unused before the window drops", () => {
    const f = awsFindings(
      [{ actions: ["iam:GetUser", "s3:GetObject"], resources: ["*"] }],
      [SERVICES[2], { ...SERVICES[0], LastAuthenticated: "2026-01-15T00:00:00Z" }],
      WINDOW_START,
    );
    assert.deepEqual(f.scopes[0].used, [
      { what: "iam:GetUser", count: null, lastUsed: "2026-03-04T08:00:00Z", granularity: "action" },
    ]);
    assert.deepEqual(f.scopes[0].unused, ["s3:GetObject"]);
  });

  it("our calls through the AWS SDK: ACTION_LEVEL for the user's ARN, polls, follows Marker", async () => {
    const iam = await documentedIam();
    try {
      const arn = "arn:aws:iam::111122223333:user/tokenguard/p/tg-prod-exports-user";
      const services = await withEnv(CREDS, () =>
        serviceLastAccessed(arn, { endpoint: iam.endpoint, pollMs: 10 }),
      );
      assert.deepEqual(
        services.map((s) => s.ServiceNamespace),
        ["s3", "sqs", "iam"],
      );
      assert.ok(services[0].LastAuthenticated instanceof Date);
      const actions = iam.calls.map((c) => c.get("Action"));
      assert.deepEqual(actions, [
        "GenerateServiceLastAccessedDetails",
        "GetServiceLastAccessedDetails",
        "GetServiceLastAccessedDetails",
        "GetServiceLastAccessedDetails",
      ]);
      assert.equal(iam.calls[0].get("Arn"), arn);
      assert.equal(iam.calls[0].get("Granularity"), "ACTION_LEVEL");
      assert.equal(iam.calls[1].get("JobId"), "examplef-1305-c245-eba4-71fe298bcda7");
      assert.equal(iam.calls[3].get("Marker"), "page-2");
    } finally {
      await iam.close();
    }
  });

  it("tokenguard usage --aws: the CLI asks IAM for each aws-iam token's user", async () => {
    const iam = await documentedIam();
    const { dir, cleanup } = tempDir("usage-aws");
    try {
      const urn = "urn:pulumi:prod::proj::tokenguard:index:ScopedToken::exports";
      const file = path.join(dir, "export.json");
      writeFileSync(
        file,
        stackExport([
          {
            urn,
            type: "tokenguard:index:ScopedToken",
            created: "2025-01-01T00:00:00Z",
            inputs: {
              name: "exports",
              backend: "aws-iam",
              scopes: SCOPES,
              ttl: "31d",
              rotation: { every: "30d", overlap: "1d" },
            },
          },
          {
            urn: `urn:pulumi:prod::proj::tokenguard:index:ScopedToken$aws:iam/user:User::exports-user`,
            type: "aws:iam/user:User",
            parent: urn,
            outputs: {
              arn: "arn:aws:iam::111122223333:user/tokenguard/p/tg-prod-exports-user",
              name: "tg-prod-exports",
            },
          },
        ]),
      );
      const r = await withEnv({ ...CREDS, AWS_ENDPOINT_URL_IAM: iam.endpoint }, () =>
        runCli([
          "usage",
          "--stack-export",
          file,
          "--aws",
          "--since",
          "2026-02-01T00:00:00Z",
          "--now",
          "2026-03-10T00:00:00Z",
          "--format",
          "json",
        ]),
      );
      assert.equal(r.code, 1, r.stderr);
      const t = (JSON.parse(r.stdout) as UsageReport).tokens[0];
      assert.equal(t.source, "aws-iam");
      assert.equal(t.judged, true);
      assert.deepEqual(t.unusedScopes, [
        `s3:PutBucketPolicy on ${BUCKET.join(",")}`,
        "sqs:SendMessage on arn:aws:sqs:us-east-1:111122223333:orders",
      ]);
      assert.ok(!(r.stdout + r.stderr).includes(CREDS.AWS_SECRET_ACCESS_KEY));
    } finally {
      cleanup();
      await iam.close();
    }
  });

  it("moto 5.2.5 does not implement GenerateServiceLastAccessedDetails: our call fails with one line naming it", async () => {
    const moto = await startMoto();
    try {
      const arn = "arn:aws:iam::123456789012:user/tg-usage";
      const failed = await withEnv(moto.env, () =>
        serviceLastAccessed(arn, { endpoint: moto.endpoint, pollMs: 10 }),
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(
        failed instanceof IamUsageError,
        "moto now answers GenerateServiceLastAccessedDetails: test the calls against it instead of the documented-format server",
      );
      assert.match(
        failed.message,
        new RegExp(`^IAM GenerateServiceLastAccessedDetails for ${arn} failed: `),
      );
      assert.ok(!failed.message.includes("\n    at "), "no stack trace");
      console.log(`      (moto: ${failed.message.split("\n")[0].slice(0, 160)})`);
    } finally {
      await moto.stop();
    }
  });
});
