/**
 * Stand-in for `pulumi-resource-random` 4.21.2 (pulumi-random, which bridges
 * hashicorp/terraform-provider-random), for the resources tokenguard and its tests use:
 * RandomBytes, RandomPassword, RandomString, RandomId.
 *
 * Faithful to the real provider in: type tokens, property names, defaults, validation, the
 * generation algorithms (crypto randomness; random_string/password's charset and minimums),
 * resource ids (RandomBytes: its base64 — in plain text, like the real provider's
 * computeRandomBytesID; RandomPassword: "none"; RandomString: the result; RandomId: b64Url
 * without prefix), secret outputs (base64/hex, result/bcryptHash of RandomPassword; not
 * RandomString's result), and replacement rules (every argument forces a new value, with the
 * framework's null/empty nuances for `keepers` and `overrideSpecial`).
 * Not implemented: `pulumi import` of random resources, the schema-version state upgraders.
 */
import { randomBytes, randomInt } from "node:crypto";
import { bcryptHash } from "./bcrypt";
import type { PropRule } from "./plan";
import { planDiff, planned } from "./plan";
import {
  bool,
  compact,
  containsUnknowns,
  keepSecretness,
  num,
  reveal,
  sameValue,
  secret,
  str,
  type Props,
} from "./props";
import { main, type CheckArgs, type CheckOutcome, type ResourceHandler } from "./server";
import type { CheckFailure } from "@pulumi/pulumi/provider";

export const RANDOM_VERSION = "4.21.2";

// ---- replacement rules (terraform-provider-random's plan modifiers) -----------------------

/** mapplanmodifiers.RequiresReplaceIfValuesNotNull: null → {} (or back) is an update. */
const keepersReplace = (state: unknown, plan: unknown): boolean => {
  const s = (state ?? null) as Record<string, unknown> | null;
  const p = (plan ?? null) as Record<string, unknown> | null;
  if (s === null) return p !== null && Object.keys(p).length > 0;
  if (p === null) return Object.keys(s).length > 0;
  return !sameValue(s, p);
};

/** RequiresReplaceUnlessEmptyStringToNull: "" → null is an update, anything else replaces. */
const overrideSpecialReplace = (state: unknown, plan: unknown): boolean =>
  !(plan === undefined && state === "");

const replace: PropRule = { forceNew: true };
const defaultTrue: PropRule = { forceNew: true, whenAbsent: { default: true } };
const defaultZero: PropRule = { forceNew: true, whenAbsent: { default: 0 } };

const stringRules = (news: Props): Record<string, PropRule> => {
  // number/numeric: each defaults to the other, then to true.
  const numeric = news.numeric ?? news.number ?? true;
  return {
    keepers: { forceNew: keepersReplace },
    length: replace,
    special: defaultTrue,
    upper: defaultTrue,
    lower: defaultTrue,
    number: { forceNew: true, whenAbsent: { default: numeric } },
    numeric: { forceNew: true, whenAbsent: { default: numeric } },
    minNumeric: defaultZero,
    minUpper: defaultZero,
    minLower: defaultZero,
    minSpecial: defaultZero,
    overrideSpecial: { forceNew: overrideSpecialReplace },
  };
};

const bytesRules: Record<string, PropRule> = {
  keepers: { forceNew: true },
  length: replace,
};

const idRules: Record<string, PropRule> = {
  keepers: { forceNew: keepersReplace },
  byteLength: replace,
  prefix: replace,
};

// ---- validation (the framework validators), skipped for values unknown at preview ---------

function intAtLeast(news: Props, key: string, min: number, failures: CheckFailure[]): void {
  const v = reveal(news[key]);
  if (v === undefined || containsUnknowns(v)) return;
  if (typeof v !== "number" || !Number.isInteger(v)) {
    failures.push({ property: key, reason: `${key} must be an integer` });
  } else if (v < min) {
    failures.push({
      property: key,
      reason: `Attribute ${snake(key)} value must be at least ${min}, got: ${v}`,
    });
  }
}

function snake(k: string): string {
  return k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function checkString(args: CheckArgs): CheckOutcome {
  const { news } = args;
  const failures: CheckFailure[] = [];
  if (news.length === undefined)
    failures.push({ property: "length", reason: "Missing required argument" });
  intAtLeast(news, "length", 1, failures);
  const mins = ["minUpper", "minLower", "minNumeric", "minSpecial"];
  for (const m of mins) intAtLeast(news, m, 0, failures);
  if (!containsUnknowns(mins.map((m) => news[m])) && !containsUnknowns(news.length)) {
    const sum = mins.reduce((acc, m) => acc + (num(news[m]) ?? 0), 0);
    const length = num(news.length);
    if (length !== undefined && length < sum) {
      failures.push({
        property: "length",
        reason: `Attribute length value must be at least sum of min_upper + min_lower + min_numeric + min_special, got: ${length}`,
      });
    }
  }
  const number = bool(news.number);
  const numeric = bool(news.numeric);
  if (number !== undefined && numeric !== undefined && number !== numeric) {
    failures.push({
      property: "numeric",
      reason: "Number and numeric are both configured with different values",
    });
  }
  // validators.AtLeastOneOfTrue on number/numeric: all four configured false is an error.
  const flags = ["special", "upper", "lower"].map((k) => news[k]);
  for (const k of ["number", "numeric"]) {
    if (
      news[k] !== undefined &&
      bool(news[k]) === false &&
      !containsUnknowns(flags) &&
      flags.every((f) => f !== undefined && bool(f) === false)
    ) {
      failures.push({
        property: k,
        reason: `At least one attribute out of [special,upper,lower,${snake(k)}] must be specified as true`,
      });
    }
  }
  return { inputs: news, failures };
}

// ---- generation ----------------------------------------------------------------------------

const NUM = "0123456789";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const SPECIAL = "!@#$%&*()-_=+[]{}<>:?";

interface StringParams {
  length: number;
  upper: boolean;
  minUpper: number;
  lower: boolean;
  minLower: number;
  numeric: boolean;
  minNumeric: number;
  special: boolean;
  minSpecial: number;
  overrideSpecial: string;
}

function pick(charset: string, n: number): string[] {
  const runes = [...charset];
  if (n > 0 && runes.length === 0) throw new Error("charSet is empty");
  return Array.from({ length: Math.max(0, n) }, () => runes[randomInt(runes.length)]);
}

/** internal/random.CreateString: the minimums first, the rest from the union, then shuffled. */
export function createString(p: StringParams): string {
  const special = p.overrideSpecial !== "" ? p.overrideSpecial : SPECIAL;
  let chars = "";
  if (p.upper) chars += UPPER;
  if (p.lower) chars += LOWER;
  if (p.numeric) chars += NUM;
  if (p.special) chars += special;
  if (chars === "") throw new Error("the character set specified is empty");
  const result = [
    ...pick(NUM, p.minNumeric),
    ...pick(LOWER, p.minLower),
    ...pick(UPPER, p.minUpper),
    ...pick(special, p.minSpecial),
  ];
  result.push(...pick(chars, p.length - result.length));
  // Go sorts by a random byte per position (a stable-enough shuffle); a Fisher-Yates is as good.
  for (let i = result.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [result[i], result[j]] = [result[j], result[i]];
  }
  return result.join("");
}

function stringParams(plan: Props): StringParams {
  return {
    length: num(plan.length) ?? 0,
    upper: bool(plan.upper) ?? true,
    minUpper: num(plan.minUpper) ?? 0,
    lower: bool(plan.lower) ?? true,
    minLower: num(plan.minLower) ?? 0,
    numeric: bool(plan.numeric) ?? true,
    minNumeric: num(plan.minNumeric) ?? 0,
    special: bool(plan.special) ?? true,
    minSpecial: num(plan.minSpecial) ?? 0,
    overrideSpecial: str(plan.overrideSpecial) ?? "",
  };
}

/** The planned inputs, each keeping the secretness of what the program sent. */
function plannedOuts(inputs: Props, rules: Record<string, PropRule>): Props {
  const plan = planned({}, inputs, rules);
  const out: Props = {};
  for (const [k, v] of Object.entries(plan)) out[k] = keepSecretness(inputs[k], v);
  return out;
}

/** Update = the framework's "state := plan", computed values kept from the state. */
function updater(rules: (news: Props) => Record<string, PropRule>, computed: string[]) {
  return async ({ olds, news }: { olds: Props; news: Props }) => {
    const outs = plannedOuts(news, rules(news));
    for (const k of computed) if (olds[k] !== undefined) outs[k] = olds[k];
    return { outs: compact(outs) };
  };
}

function noImport(type: string) {
  return async ({ id, state, inputs }: { id: string; state: Props; inputs: Props }) => {
    if (Object.keys(state).length === 0) {
      throw new Error(`the stand-in random provider cannot import ${type} (id ${id})`);
    }
    return { id, outs: state, inputs }; // random values live only in the state: nothing to read
  };
}

// ---- resources -----------------------------------------------------------------------------

const randomBytesHandler: ResourceHandler = {
  check: ({ news }) => {
    const failures: CheckFailure[] = [];
    if (news.length === undefined)
      failures.push({ property: "length", reason: "Missing required argument" });
    intAtLeast(news, "length", 1, failures);
    return { inputs: news, failures };
  },
  diff: ({ olds, news }) => planDiff(olds, news, bytesRules),
  create: async ({ inputs }) => {
    const bytes = randomBytes(num(inputs.length) ?? 0);
    const base64 = bytes.toString("base64");
    return {
      // pulumi-random's computeRandomBytesID: the id IS the base64 value, not secret.
      id: base64,
      outs: compact({
        ...plannedOuts(inputs, bytesRules),
        base64: secret(base64),
        hex: secret(bytes.toString("hex")),
      }),
    };
  },
  read: noImport("RandomBytes"),
  update: updater(() => bytesRules, ["base64", "hex"]),
};

function stringHandler(kind: "password" | "string"): ResourceHandler {
  return {
    check: checkString,
    diff: ({ olds, news }) => planDiff(olds, news, stringRules(news)),
    create: async ({ inputs }) => {
      const outs = plannedOuts(inputs, stringRules(inputs));
      const result = createString(stringParams(outs));
      if (kind === "string") {
        return { id: result, outs: compact({ ...outs, result }) };
      }
      const hashed = Buffer.from(result, "utf8").subarray(0, 72).toString("utf8");
      return {
        id: "none",
        outs: compact({ ...outs, result: secret(result), bcryptHash: secret(bcryptHash(hashed)) }),
      };
    },
    read: noImport(kind === "string" ? "RandomString" : "RandomPassword"),
    update: updater(stringRules, kind === "string" ? ["result"] : ["result", "bcryptHash"]),
  };
}

const randomIdHandler: ResourceHandler = {
  check: ({ news }) => {
    const failures: CheckFailure[] = [];
    if (news.byteLength === undefined) {
      failures.push({ property: "byteLength", reason: "Missing required argument" });
    }
    return { inputs: news, failures };
  },
  diff: ({ olds, news }) => planDiff(olds, news, idRules),
  create: async ({ inputs }) => {
    const bytes = randomBytes(num(inputs.byteLength) ?? 0);
    const prefix = str(inputs.prefix) ?? "";
    const b64Url = bytes.toString("base64url");
    const dec = bytes.length === 0 ? "0" : BigInt(`0x${bytes.toString("hex")}`).toString(10);
    return {
      id: b64Url,
      outs: compact({
        ...plannedOuts(inputs, idRules),
        b64Url: keepSecretness(inputs.prefix, prefix + b64Url),
        b64Std: keepSecretness(inputs.prefix, prefix + bytes.toString("base64")),
        hex: keepSecretness(inputs.prefix, prefix + bytes.toString("hex")),
        dec: keepSecretness(inputs.prefix, prefix + dec),
      }),
    };
  },
  read: noImport("RandomId"),
  update: updater(() => idRules, ["b64Url", "b64Std", "hex", "dec"]),
};

export const randomProvider = {
  name: "random",
  version: RANDOM_VERSION,
  resources: {
    "random:index/randomBytes:RandomBytes": randomBytesHandler,
    "random:index/randomPassword:RandomPassword": stringHandler("password"),
    "random:index/randomString:RandomString": stringHandler("string"),
    "random:index/randomId:RandomId": randomIdHandler,
  },
};

if (require.main === module) main(randomProvider);
