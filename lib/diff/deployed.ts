/**
 * The deployed side of a token review: a `pulumi stack export` from a file, stdin, or `pulumi
 * stack export` run here (never with --show-secrets). A stack that does not exist yet means every
 * declared token is new.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseStackExport, parseUrn, StackExportError } from "../scan/state";
import { recordsOfExport, type ResourceRecord } from "./records";

/** Input a review cannot use (unreadable, corrupt, another project's export): exit 2. */
export class DiffInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DiffInputError";
  }
}

export interface Deployed {
  /** Where the export came from, as the review reports it. */
  readonly source: string;
  /** The stack the export is of (absent for an empty or missing stack). */
  readonly stack?: string;
  /** True when the stack does not exist: every declared token is new. */
  readonly missing: boolean;
  readonly records: readonly ResourceRecord[];
}

/** Parses export text, refusing a corrupt file or another project's export. */
export function deployedFromText(text: string, source: string, project: string): Deployed {
  let records: ResourceRecord[];
  try {
    records = recordsOfExport(parseStackExport(text, source));
  } catch (e) {
    if (e instanceof StackExportError) throw new DiffInputError(e.message);
    throw e;
  }
  const first = records[0] && parseUrn(records[0].urn);
  const other = records.map((r) => parseUrn(r.urn).project).find((p) => p !== project);
  if (other !== undefined) {
    throw new DiffInputError(
      `${source} is an export of project "${other}", but the program is project "${project}": export the stack this program deploys (pulumi stack export --stack <stack> in its directory)`,
    );
  }
  return { source, ...(first ? { stack: first.stack } : {}), missing: false, records };
}

/** Reads an export file ("-": stdin). */
export function readExportFile(file: string, project: string): Deployed {
  const source = file === "-" ? "<stdin>" : file;
  let text: string;
  try {
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (e) {
    throw new DiffInputError(
      `${source}: cannot be read (${(e as NodeJS.ErrnoException).code ?? e})`,
    );
  }
  return deployedFromText(text, source, project);
}

/** What `pulumi stack export` says when the stack does not exist (file and cloud backends). */
const NO_STACK = /no stack named|stack .* (?:not found|does not exist)|could not find stack/i;

/** Runs `pulumi stack export --stack <stack>` in the project directory. */
export function exportStack(stack: string, projectDir: string, project: string): Promise<Deployed> {
  const source = `pulumi stack export --stack ${stack}`;
  return new Promise((resolve, reject) => {
    execFile(
      "pulumi",
      ["stack", "export", "--stack", stack, "--non-interactive"],
      { cwd: projectDir, maxBuffer: 512 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) {
          try {
            return resolve(deployedFromText(stdout, source, project));
          } catch (e) {
            return reject(e);
          }
        }
        if ((error as NodeJS.ErrnoException).code === "ENOENT") {
          return reject(
            new DiffInputError(
              "the pulumi CLI is not on PATH: install it, or pass --against FILE (from `pulumi stack export`) or - for stdin",
            ),
          );
        }
        if (NO_STACK.test(stderr)) return resolve({ source, missing: true, records: [] });
        reject(new DiffInputError(`${source} failed: ${stderr.trim() || error.message}`));
      },
    );
  });
}
