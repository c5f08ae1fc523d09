/**
 * Text from outside (file names, ledger fields, URNs, property paths) made safe to print: no
 * character in the result can end a line, move the cursor, change colours or reorder what follows.
 * C0 and C1 controls, DEL, line/paragraph separators and bidirectional overrides become visible
 * escapes (`\n`, `\x1b`, `\u202e`); everything else is kept as is.
 */

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeChar(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** `text` with every control, separator and bidi-override character escaped. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

const strict = new TextDecoder("utf-8", { fatal: true });

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there starts none. */
function sequenceAt(bytes: Uint8Array, i: number): number {
  for (let n = 1; n <= 4 && i + n <= bytes.length; n++) {
    try {
      strict.decode(bytes.subarray(i, i + n));
      return n;
    } catch {
      // not a whole character yet (or never one): try one byte more
    }
  }
  return 0;
}

/**
 * Bytes (a file name) as text: valid UTF-8 decoded, each byte of an invalid sequence as `\xNN`.
 * Controls are kept: pass the result through {@link escapeControls} before printing it.
 */
export function decodeBytes(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch {
    // not UTF-8: decode what is, escape what is not
  }
  let out = "";
  for (let i = 0; i < bytes.length;) {
    const n = sequenceAt(bytes, i);
    if (n === 0) {
      out += `\\x${bytes[i].toString(16).padStart(2, "0")}`;
      i++;
    } else {
      out += strict.decode(bytes.subarray(i, i + n));
      i += n;
    }
  }
  return out;
}
