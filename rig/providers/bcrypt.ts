/**
 * bcrypt ("$2a$", as Go's golang.org/x/crypto/bcrypt writes it), for random_password's
 * `bcryptHash`. Node has no bcrypt and the stand-ins may not add npm packages, so this is the
 * algorithm itself (Provos & Mazières' EksBlowfish), about 100 lines. Blowfish's initial P-array
 * and S-boxes are the hexadecimal digits of pi's fractional part, so they are computed here
 * (Machin's formula on BigInt, ~50 ms once) instead of pasting 1,042 constants.
 * Checked against crypt_blowfish's published vectors by bcrypt.test.ts.
 */
import { randomBytes } from "node:crypto";

const WORDS = 18 + 4 * 256;
let PI_WORDS: Uint32Array | undefined;

/** The first `WORDS` 32-bit words of pi's fractional part: Blowfish's P-array then S-boxes. */
function piWords(): Uint32Array {
  if (PI_WORDS) return PI_WORDS;
  const hexDigits = WORDS * 8;
  const one = 1n << BigInt(4 * (hexDigits + 16)); // 16 guard digits
  const atanInv = (x: bigint): bigint => {
    let sum = 0n;
    let term = one / x;
    const x2 = x * x;
    for (let k = 1n, add = true; term !== 0n; k += 2n, add = !add) {
      sum += add ? term / k : -(term / k);
      term /= x2;
    }
    return sum;
  };
  const pi = 4n * (4n * atanInv(5n) - atanInv(239n));
  const frac = (pi - 3n * one).toString(16).padStart(hexDigits + 16, "0");
  const words = new Uint32Array(WORDS);
  for (let i = 0; i < WORDS; i++) words[i] = parseInt(frac.slice(i * 8, i * 8 + 8), 16);
  PI_WORDS = words;
  return words;
}

class Blowfish {
  readonly p: Uint32Array;
  readonly s: Uint32Array; // s0 | s1 | s2 | s3, 256 words each

  constructor() {
    const init = piWords();
    this.p = init.slice(0, 18);
    this.s = init.slice(18);
  }

  private f(x: number): number {
    const s = this.s;
    return (
      ((((s[x >>> 24] + s[256 + ((x >>> 16) & 0xff)]) >>> 0) ^ s[512 + ((x >>> 8) & 0xff)]) +
        s[768 + (x & 0xff)]) >>>
      0
    );
  }

  /** Encrypts the block (l, r) in place in `lr`. */
  encrypt(lr: Uint32Array): void {
    const p = this.p;
    let l = lr[0];
    let r = lr[1];
    l = (l ^ p[0]) >>> 0;
    for (let i = 1; i <= 16; i += 2) {
      r = (r ^ this.f(l) ^ p[i]) >>> 0;
      l = (l ^ this.f(r) ^ p[i + 1]) >>> 0;
    }
    r = (r ^ p[17]) >>> 0;
    lr[0] = r;
    lr[1] = l;
  }

  /** Blowfish key schedule with an optional salt (bcrypt's ExpandKey / expandKeyWithSalt). */
  expand(key: Uint8Array, salt?: Uint8Array): void {
    let j = 0;
    const nextWord = (data: Uint8Array, pos: { i: number }): number => {
      let w = 0;
      for (let k = 0; k < 4; k++) {
        w = ((w << 8) | data[pos.i]) >>> 0;
        pos.i = (pos.i + 1) % data.length;
      }
      return w;
    };
    const kp = { i: j };
    for (let i = 0; i < 18; i++) this.p[i] = (this.p[i] ^ nextWord(key, kp)) >>> 0;
    j = 0;
    const sp = { i: j };
    const lr = new Uint32Array(2);
    const fill = (arr: Uint32Array, offset: number, n: number) => {
      for (let i = 0; i < n; i += 2) {
        if (salt) {
          lr[0] = (lr[0] ^ nextWord(salt, sp)) >>> 0;
          lr[1] = (lr[1] ^ nextWord(salt, sp)) >>> 0;
        }
        this.encrypt(lr);
        arr[offset + i] = lr[0];
        arr[offset + i + 1] = lr[1];
      }
    };
    fill(this.p, 0, 18);
    fill(this.s, 0, 1024);
  }
}

const ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function b64(bytes: Uint8Array): string {
  const std = Buffer.from(bytes).toString("base64").replace(/=+$/, "");
  return [...std].map((c) => ALPHABET[STD.indexOf(c)]).join("");
}

function unb64(text: string): Buffer {
  const std = [...text].map((c) => STD[ALPHABET.indexOf(c)]).join("");
  return Buffer.from(std, "base64");
}

/** bcrypt of `password` with a 16-byte `salt` at `cost` (log2 rounds), "$2a$" format. */
export function bcryptWithSalt(password: Uint8Array, salt: Uint8Array, cost: number): string {
  if (password.length > 72) throw new Error("bcrypt: password length exceeds 72 bytes");
  if (salt.length !== 16) throw new Error("bcrypt: salt must be 16 bytes");
  const key = new Uint8Array(password.length + 1); // NUL-terminated, as C bcrypt
  key.set(password);
  const bf = new Blowfish();
  bf.expand(key, salt);
  for (let i = 0; i < 2 ** cost; i++) {
    bf.expand(key);
    bf.expand(salt);
  }
  const text = Buffer.from("OrpheanBeholderScryDoubt", "latin1");
  const lr = new Uint32Array(2);
  for (let block = 0; block < 24; block += 8) {
    lr[0] = text.readUInt32BE(block);
    lr[1] = text.readUInt32BE(block + 4);
    for (let i = 0; i < 64; i++) bf.encrypt(lr);
    text.writeUInt32BE(lr[0], block);
    text.writeUInt32BE(lr[1], block + 4);
  }
  const costText = String(cost).padStart(2, "0");
  return `$2a$${costText}$${b64(salt)}${b64(text.subarray(0, 23))}`;
}

/** Hash as Go's `bcrypt.GenerateFromPassword(p, bcrypt.DefaultCost)` (cost 10, random salt). */
export function bcryptHash(password: string, cost = 10): string {
  return bcryptWithSalt(Buffer.from(password, "utf8"), randomBytes(16), cost);
}

/** Verifies `password` against a "$2a$"/"$2b$" hash (tests use it). */
export function bcryptVerify(password: string, hash: string): boolean {
  const m = /^\$2[ab]\$(\d\d)\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/.exec(hash);
  if (!m) return false;
  const salt = unb64(m[2]).subarray(0, 16);
  const again = bcryptWithSalt(Buffer.from(password, "utf8"), salt, Number(m[1]));
  return again.slice(7) === hash.slice(7);
}

/** For tests: Blowfish's first P word and last S word, from pi. */
export function blowfishInitProbe(): { p0: number; p17: number; s0first: number; s3last: number } {
  const w = piWords();
  return { p0: w[0], p17: w[17], s0first: w[18], s3last: w[WORDS - 1] };
}
