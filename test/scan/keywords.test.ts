import { strict as assert } from "node:assert";
import {
  githubChecksum,
  validGithubChecksum,
  validPypiMacaroon,
} from "../../lib/scan/detectors/checksums";
import { fake } from "../../lib/scan/detectors/fake";
import { KeywordIndex } from "../../lib/scan/keywords";

describe("scan: the keyword pre-filter", () => {
  const index = new KeywordIndex(["ab", "bc", "abc", "xoxe", "xoxp-", "key", "key:"]);

  it("finds keywords that start inside another match, and the ones a longer match contains", () => {
    assert.deepEqual([...index.present("abc")].sort(), ["ab", "abc", "bc"]);
    assert.deepEqual([...index.present("xoxe.xoxp-1")].sort(), ["xoxe", "xoxp-"]);
    assert.deepEqual([...index.present("api-key: 1")].sort(), ["key", "key:"]);
    assert.deepEqual([...index.present("nothing here")], []);
  });

  it("rejects an empty keyword (it would match everything)", () => {
    assert.throws(() => new KeywordIndex(["a", ""]), /keyword is empty/);
  });
});

describe("scan: vendor checksums", () => {
  it("GitHub/npm CRC32: a generated token validates, one changed character does not", () => {
    const f = fake(9);
    for (const prefix of ["ghp_", "gho_", "npm_"]) {
      const token = f.checksummed(prefix);
      assert.ok(validGithubChecksum(token), prefix);
      const flipped = token.slice(0, 10) + (token[10] === "a" ? "b" : "a") + token.slice(11);
      assert.ok(!validGithubChecksum(flipped), `${prefix} flipped`);
    }
    assert.equal(githubChecksum("").length, 6);
  });

  it("PyPI: the macaroon must name pypi.org or test.pypi.org", () => {
    const body = (host: string) =>
      Buffer.concat([
        Buffer.from([2, 1, host.length]),
        Buffer.from(host),
        Buffer.alloc(40, 7),
      ]).toString("base64url");
    assert.ok(validPypiMacaroon(`pypi-${body("pypi.org")}`));
    assert.ok(validPypiMacaroon(`pypi-${body("test.pypi.org")}`));
    assert.ok(!validPypiMacaroon(`pypi-${body("evil.example")}`));
    assert.ok(!validPypiMacaroon("pypi-AgXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"));
  });
});
