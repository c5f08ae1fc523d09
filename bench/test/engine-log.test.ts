import { strict as assert } from "node:assert";
import { PackTimelineReader } from "../check/engine-log";

const PACK = "/work/repo/policy-packs/tokenguard";
const log = (time: string, msg: string) =>
  JSON.stringify({ time: `2026-11-27T23:29:${time}Z`, level: "INFO", msg, v: 7 });

/** Lines as `pulumi preview -v=7 --logtostderr` writes them (shapes taken from a real run). */
const LINES = [
  log("44.805613478", "OTLP receiver started on port 43273"),
  log(
    "44.995549804",
    `langhost[nodejs].RunPlugin(root=${PACK}, program=${PACK}, entryPoint=.) executing`,
  ),
  log("46.579819987", `Analyzer[${PACK}].GetPluginInfo() executing`),
  log("46.588874913", `Analyzer[${PACK}].Configure(...) executing`),
  log(
    "46.614985365",
    "langhost[nodejs].Run(pwd=/p,root=/p, program=/p, entryPoint=index.ts,#args=0,proj=p,stack=s,#config=1,dryrun=true) executing",
  ),
  log("47.401506379", `Analyzer[${PACK}].Remediate(pulumi:pulumi:Stack) executing (#props=0)`),
  log("47.409987703", `Analyzer[${PACK}].Remediate(pulumi:pulumi:Stack) success: #remediations=0`),
  log("47.410101832", `Analyzer[${PACK}].Analyze(pulumi:pulumi:Stack) executing (#props=0)`),
  "some plain text a plugin printed",
  log("47.423513844", `Analyzer[${PACK}].Analyze(pulumi:pulumi:Stack) success: failures=#0`),
  log("47.5", `Analyzer[/elsewhere/other-pack].Analyze(x:y:Z) executing (#props=1)`),
  log("48.5", `Analyzer[/elsewhere/other-pack].Analyze(x:y:Z) success: failures=#0`),
  log("56.808356275", `Analyzer[${PACK}].AnalyzeStack(#resources=24) executing`),
  log("56.817297913", `Analyzer[${PACK}].AnalyzeStack(...) success: failures=#0`),
  log("56.961156689", `Analyzer[${PACK}].Cancel() executing`),
];

describe("bench: the pack's timeline from the engine's log", () => {
  it("times the pack's start until the program runs, and each of its analyzer calls", () => {
    const reader = new PackTimelineReader(PACK);
    for (const line of LINES) reader.line(line);
    const t = reader.result()!;
    assert.ok(Math.abs(t.startSeconds - (46.614985365 - 44.995549804)) < 1e-6, `${t.startSeconds}`);
    const expected =
      47.409987703 - 47.401506379 + (47.423513844 - 47.410101832) + (56.817297913 - 56.808356275);
    assert.ok(Math.abs(t.analysisSeconds - expected) < 1e-6, `${t.analysisSeconds}`);
    assert.equal(t.calls, 3, "another pack's calls and Cancel are not counted");
  });

  it("has no timeline when the log never shows the pack start", () => {
    const reader = new PackTimelineReader("/some/other/pack");
    for (const line of LINES) reader.line(line);
    assert.equal(reader.result(), undefined);
  });
});
