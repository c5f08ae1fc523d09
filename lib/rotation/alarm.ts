/**
 * The dead-man's switch, as pure math: the alarm instant of a generation (`expiresAt - before`),
 * the EventBridge Scheduler expression for it, and the message the alarm sends. Every successful
 * rotation moves the instant forward by `every`; it is only reached when rotation stopped.
 */
import { formatInstant } from "./clock";

/** The instant (epoch seconds) the alarm of a generation expiring at `expiresAt` fires. */
export function alarmInstant(expiresAt: number, before: number): number {
  return expiresAt - before;
}

/** EventBridge Scheduler's one-time expression, `at(yyyy-mm-ddThh:mm:ss)`, in UTC. */
export function atExpression(instant: number): string {
  return `at(${formatInstant(instant).replace(/Z$/, "")})`;
}

export interface AlarmFacts {
  readonly token: string;
  readonly project: string;
  readonly stack: string;
  readonly generation: number;
  readonly rotatesAt: number;
  readonly expiresAt: number;
  readonly owner?: string;
  readonly purpose?: string;
  readonly runbook?: string;
}

/** The alarm's message: JSON a subscriber can route on, with a sentence a person can act on. */
export function alarmMessage(f: AlarmFacts): string {
  const who = f.owner ? ` (owner ${f.owner})` : "";
  const sentence =
    `tokenguard: ScopedToken "${f.token}"${who} in ${f.project}/${f.stack} was not rotated: ` +
    `generation ${f.generation} was due to be replaced at ${formatInstant(f.rotatesAt)} and expires at ${formatInstant(f.expiresAt)}. ` +
    `Run pulumi up for the stack (or find why the scheduled rotation stopped)${f.runbook ? `; runbook: ${f.runbook}` : ""}.`;
  return JSON.stringify({
    source: "tokenguard",
    alarm: "rotation-stopped",
    token: f.token,
    project: f.project,
    stack: f.stack,
    ...(f.owner ? { owner: f.owner } : {}),
    ...(f.purpose ? { purpose: f.purpose } : {}),
    generation: f.generation,
    rotatesAt: formatInstant(f.rotatesAt),
    expiresAt: formatInstant(f.expiresAt),
    ...(f.runbook ? { runbook: f.runbook } : {}),
    message: sentence,
  });
}
