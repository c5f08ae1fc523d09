/**
 * moto's S3 server for tests: set up (test/helpers/moto-setup.sh: idempotent, safe to run
 * concurrently), started on 127.0.0.1 on a free port, stopped by the test. Fails loudly when moto
 * cannot be set up: tests that need it must not silently skip.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as http from "node:http";
import * as net from "node:net";
import * as path from "node:path";

export interface MotoServer {
  /** e.g. http://127.0.0.1:40123 */
  readonly endpoint: string;
  /** Env for the AWS SDK (dummy credentials, region) pointing at this server. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

/** The moto_server executable, installing it first when needed. */
export function motoServerPath(): string {
  const setup = spawnSync("bash", [path.join(__dirname, "moto-setup.sh")], {
    encoding: "utf8",
    timeout: 600_000,
  });
  if (setup.status !== 0) {
    throw new Error(
      `moto is unavailable: test/helpers/moto-setup.sh exited ${setup.status}\n${setup.stderr}`,
    );
  }
  return setup.stdout.trim().split("\n").pop() as string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function responds(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(true);
    });
    req.on("error", () => resolve(false));
    req.setTimeout(1000, () => {
      req.destroy();
      resolve(false);
    });
  });
}

export async function startMoto(): Promise<MotoServer> {
  const bin = motoServerPath();
  const port = await freePort();
  const child: ChildProcess = spawn(bin, ["-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += d));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (!(await responds(`${endpoint}/moto-api/`))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`moto_server did not start on ${endpoint}:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    env: {
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_REGION: "us-east-1",
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
