/**
 * A ScopedToken in the inventory: its summary judged by today's policy (lib/rules, as the pack
 * judges it), its generations in state, and whether rotation is overdue or a credential expired.
 */
import { formatInstant } from "../rotation/clock";
import { generation, generationAt, jitteredAnchor, type ScheduleSpec } from "../rotation/schedule";
import { TOKEN_RULES } from "../rules/catalog";
import { judgeDeclaration, type DeclarationVerdict } from "../rules/declaration";
import { lifetimeOf } from "../rules/token-rules";
import { parseSummary, SummaryError } from "../schema/summary";
import type { TokenSpec } from "../schema/token";
import { CREDENTIAL_RESOURCES, parseUrn, type StateResource } from "../scan/state";
import { dedupe, instant, normalize, num, str, type Flag } from "./flags";
import type { GenerationEntry, InventoryEntry, InventoryOptions } from "./inventory";

/** The ScopedToken schedule, when its declared lifetime is usable. */
function scheduleOf(spec: TokenSpec, project: string, stack: string): ScheduleSpec | undefined {
  try {
    const life = lifetimeOf(spec);
    return {
      ...life,
      anchor: life.anchor ?? jitteredAnchor(`${project}/${stack}/${spec.name}`, life.every),
    };
  } catch {
    return undefined;
  }
}

/** The summary judged by today's policy: the spec when it parses, and the flags it earns. */
function declarationFlags(
  inputs: Record<string, unknown>,
  name: string,
  options: InventoryOptions,
): { spec?: TokenSpec; flags: Flag[] } {
  const flags: Flag[] = [];
  let verdict: DeclarationVerdict;
  try {
    const summary = parseSummary(inputs, name);
    verdict = judgeDeclaration(summary, options.policy, summary.argumentProblems, options.now);
  } catch (e) {
    if (!(e instanceof SummaryError)) throw e;
    return { flags: [{ flag: "policy-violation", message: `the summary in state: ${e.message}` }] };
  }
  if (!verdict.spec) {
    const why = verdict.findings.map((f) => f.message).join("; ");
    return {
      flags: [
        { flag: "policy-violation", message: `the declaration in state does not parse: ${why}` },
      ],
    };
  }
  for (const f of verdict.findings) {
    if (f.rule === "token-least-privilege") {
      flags.push({ flag: "scope-beyond-policy", message: f.message });
    } else if (f.rule === "token-ownership") {
      if (f.field === "owner") flags.push({ flag: "missing-owner", message: f.message });
    } else if (TOKEN_RULES[f.rule].level === "mandatory") {
      flags.push({ flag: "policy-violation", message: `${f.message} [${f.rule}]` });
    }
  }
  return { spec: verdict.spec, flags };
}

/** The generation children in state (`<name>-g<n>`), with issue and expiry, and expired ones flagged. */
function generationEntries(
  name: string,
  children: readonly StateResource[],
  schedule: ScheduleSpec | undefined,
  now: number,
): { generations: GenerationEntry[]; flags: Flag[] } {
  const generations: GenerationEntry[] = [];
  const flags: Flag[] = [];
  const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-g(-?\\d+)$`);
  for (const child of children) {
    const m = pattern.exec(parseUrn(child.urn).name);
    if (!m || CREDENTIAL_RESOURCES[child.type] === undefined) continue;
    const n = Number(m[1]);
    const g = schedule && generation(schedule, n);
    const created = instant(child.created);
    // A Vault token lives ttl from when it was really issued (pulumi up may run after the
    // scheduled start); other backends expire on the schedule.
    const expiresAt =
      g && created !== undefined && child.type === "vault:index/token:Token"
        ? Math.max(g.expiresAt, created + (g.expiresAt - g.start))
        : g?.expiresAt;
    const issued = created !== undefined ? formatInstant(created) : g && formatInstant(g.start);
    const expires = expiresAt !== undefined ? formatInstant(expiresAt) : undefined;
    generations.push({
      n,
      urn: child.urn,
      ...(issued ? { issued } : {}),
      ...(expires ? { expires } : {}),
    });
    if (expiresAt !== undefined && expiresAt <= now) {
      flags.push({
        flag: "expired-but-present",
        message: `generation ${n} expired at ${expires} and is still in state; run pulumi up to retire it`,
      });
    }
  }
  return { generations: generations.sort((a, b) => a.n - b.n), flags };
}

/** The current generation's expiry and rotation, against the clock. */
function scheduleFlags(
  gen: number | undefined,
  expires: string | undefined,
  nextRotation: string | undefined,
  schedule: ScheduleSpec | undefined,
  now: number,
): Flag[] {
  const flags: Flag[] = [];
  const expired = instant(expires);
  if (expired !== undefined && expired <= now) {
    flags.push({
      flag: "expired-but-present",
      message: `the current generation ${gen ?? "?"} expired at ${expires} and the token is still in state; run pulumi up`,
    });
  }
  const due = instant(nextRotation);
  if (due !== undefined && due <= now) {
    const current = schedule ? generationAt(schedule, now) : undefined;
    flags.push({
      flag: "rotation-overdue",
      message: `generation ${gen ?? "?"} was due to rotate at ${nextRotation}${current !== undefined ? `; generation ${current} is current now` : ""}: run pulumi up`,
    });
  }
  return flags;
}

export function scopedTokenEntry(
  resource: StateResource,
  children: readonly StateResource[],
  options: InventoryOptions,
): InventoryEntry {
  const { project, stack, name: urnName } = parseUrn(resource.urn);
  const inputs = resource.inputs ?? {};
  const outputs = resource.outputs ?? {};
  const name = str(inputs.name) ?? urnName;
  const { spec, flags } = declarationFlags(inputs, name, options);
  const schedule = spec && scheduleOf(spec, project, stack);
  const { generations, flags: expired } = generationEntries(name, children, schedule, options.now);
  const gen = num(outputs.generation) ?? num(inputs.generation);
  const nextRotation = normalize(str(outputs.rotatesAt) ?? str(inputs.rotatesAt));
  const expires = normalize(str(outputs.expiresAt) ?? str(inputs.expiresAt));
  flags.push(...expired);
  const current = scheduleFlags(gen, expires, nextRotation, schedule, options.now);
  flags.push(
    ...(expired.length ? current.filter((f) => f.flag !== "expired-but-present") : current),
  );
  const issued = generations.find((g) => g.n === gen)?.issued;
  const owner = spec?.owner ?? str(inputs.owner);
  const purpose = spec?.purpose ?? str(inputs.purpose);
  return {
    urn: resource.urn,
    name,
    type: resource.type,
    managed: true,
    backend: str(inputs.backend) ?? "?",
    ...(owner ? { owner } : {}),
    ...(purpose ? { purpose } : {}),
    scopes: spec?.scopeTexts ?? (Array.isArray(inputs.scopes) ? inputs.scopes.map(String) : []),
    ...(gen !== undefined ? { generation: gen } : {}),
    ...(issued ? { issued } : {}),
    ...(expires ? { expires } : {}),
    ...(nextRotation ? { nextRotation } : {}),
    generations,
    flags: dedupe(flags),
  };
}
