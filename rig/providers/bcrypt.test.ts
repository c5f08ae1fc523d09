/**
 * The stand-in's bcrypt against vectors it did not produce: the test vectors published with Solar
 * Designer's crypt_blowfish (the reference "$2a$" implementation), which pyca/bcrypt also accepts.
 */
import { strict as assert } from "node:assert";
import { bcryptVerify } from "./bcrypt";

const VECTORS: [string, string][] = [
  ["U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"],
  ["U*U*", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK"],
  ["U*U*U", "$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a"],
  ["", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy"],
];

describe("rig: the stand-in random provider's bcrypt", () => {
  for (const [password, hash] of VECTORS) {
    it(`verifies crypt_blowfish's vector for ${JSON.stringify(password)}`, () => {
      assert.equal(bcryptVerify(password, hash), true);
      assert.equal(bcryptVerify(`${password}x`, hash), false, "and refuses another password");
    });
  }
});
