/**
 * Every rule's own cases (kept beside its detectors, as gitleaks keeps tps/fps per rule): each
 * true positive is reported by that rule, and nothing at all is reported in a false positive —
 * through the whole detector set, so overlap resolution and the shared noise checks are part of
 * what is tested (the bench judges the same cases the same way).
 * A rule without cases fails here.
 */
import { strict as assert } from "node:assert";
import { detect } from "../../lib/scan/detect";
import { DEFAULT_CASE_FILE, type Case } from "../../lib/scan/detectors/kit";
import { fake } from "../../lib/scan/detectors/fake";
import { SCAN_RULES } from "../../lib/scan/rules";

function expand(c: Case, seed: number): { file: string; text: string } {
  const f = fake(seed);
  if (typeof c === "string") return { file: DEFAULT_CASE_FILE, text: c };
  if (typeof c === "function") return { file: DEFAULT_CASE_FILE, text: c(f) };
  return { file: c.file, text: typeof c.text === "function" ? c.text(f) : c.text };
}

const detectable = SCAN_RULES.filter((r) => !r.structural && r.id !== "secretlint-other");

describe("scan: every rule's own true and false positives", () => {
  it("every detecting rule keeps at least two true and two false positives", () => {
    const missing = detectable
      .filter((r) => (r.cases?.tp.length ?? 0) < 2 || (r.cases?.fp.length ?? 0) < 2)
      .map((r) => r.id);
    assert.deepEqual(missing, []);
  });

  it("every keyword is lower case (the pre-filter matches lower-cased text)", () => {
    for (const r of SCAN_RULES)
      for (const d of r.detectors ?? [])
        for (const k of d.keywords ?? []) assert.equal(k, k.toLowerCase(), `${r.id}: ${k}`);
  });

  for (const rule of detectable) {
    describe(rule.id, () => {
      (rule.cases?.tp ?? []).forEach((c, i) => {
        for (const seed of [1, 2, 3]) {
          it(`reports true positive #${i + 1} (seed ${seed})`, async () => {
            const { file, text } = expand(c, seed * 1000 + i);
            const found = await detect(text, file);
            assert.ok(
              found.some((d) => d.rule.id === rule.id),
              `not reported; got [${found.map((d) => d.rule.id).join(", ")}] in ${file}`,
            );
          });
        }
      });
      (rule.cases?.fp ?? []).forEach((c, i) => {
        it(`stays silent on false positive #${i + 1}`, async () => {
          const { file, text } = expand(c, 7000 + i);
          const found = await detect(text, file);
          // Rule ids only: the reported text is (fake) secret material.
          assert.deepEqual(
            found.map((d) => d.rule.id),
            [],
            `reported in ${file}`,
          );
        });
      });
    });
  }
});
