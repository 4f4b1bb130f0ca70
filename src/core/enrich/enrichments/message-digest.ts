/**
 * @module
 * Synchronous message digests, named as Java's `MessageDigest` names them: MD2 (RFC 1319), MD5
 * (RFC 1321), SHA-1, SHA-256, SHA-384 and SHA-512 (FIPS 180-4). Enrich hashes on its hot path (the
 * PII pseudonymizer and the event fingerprint call commons-codec `DigestUtils.*Hex` per event), and
 * Web Crypto only offers an asynchronous SHA family and no MD2/MD5, so these are written out here.
 * Output is lower-case hex, as `DigestUtils.*Hex` writes it.
 *
 * SHA-384/512 work on 64-bit words kept as pairs of 32-bit halves: plain `number` arithmetic stays
 * in int32 registers, which is several times faster than `BigInt`. Sums of words are truncated two
 * terms at a time (`((a + b) | 0) + …`): a longer sum overflows int32 and sends the JIT to doubles,
 * which made SHA-256 of a 1.5 KB fingerprint text half as fast.
 */

/** The algorithms Snowplow's enrichments accept, by their `MessageDigest` names. */
export type DigestAlgorithm = "MD2" | "MD5" | "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512";

const utf8 = new TextEncoder();
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function hexOfBytes(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!]!;
  return out;
}

/** Hex of 32-bit words, each big-endian (SHA) or little-endian (MD5). */
function hexOfWords(words: Int32Array | number[], littleEndian: boolean): string {
  let out = "";
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (littleEndian) {
      out += HEX[w & 0xff]! + HEX[(w >>> 8) & 0xff]! + HEX[(w >>> 16) & 0xff]! + HEX[(w >>> 24) & 0xff]!;
    } else {
      out += HEX[(w >>> 24) & 0xff]! + HEX[(w >>> 16) & 0xff]! + HEX[(w >>> 8) & 0xff]! + HEX[w & 0xff]!;
    }
  }
  return out;
}

/**
 * The message with Merkle–Damgård padding, as 32-bit words (big-endian for SHA, little-endian for
 * MD5): a 1 bit, zeros, then the bit length in the last `lengthBytes` bytes, to a multiple of
 * `block` bytes. Words are assembled from the bytes directly: a `DataView` over the padded bytes
 * costs more than the compression itself for short messages (JSC materialises the typed array's
 * `buffer` on first access).
 */
function paddedWords(
  message: Uint8Array,
  block: number,
  lengthBytes: number,
  littleEndian: boolean,
): Int32Array {
  const n = message.length;
  const total = Math.ceil((n + 1 + lengthBytes) / block) * block;
  const words = new Int32Array(total >>> 2);
  const whole = n & ~3;
  if (littleEndian) {
    for (let i = 0; i < whole; i += 4) {
      words[i >>> 2] =
        message[i]! | (message[i + 1]! << 8) | (message[i + 2]! << 16) | (message[i + 3]! << 24);
    }
    for (let i = whole; i < n; i++) words[i >>> 2]! |= message[i]! << ((i & 3) * 8);
    words[n >>> 2]! |= 0x80 << ((n & 3) * 8);
  } else {
    for (let i = 0; i < whole; i += 4) {
      words[i >>> 2] =
        (message[i]! << 24) | (message[i + 1]! << 16) | (message[i + 2]! << 8) | message[i + 3]!;
    }
    for (let i = whole; i < n; i++) words[i >>> 2]! |= message[i]! << (24 - (i & 3) * 8);
    words[n >>> 2]! |= 0x80 << (24 - (n & 3) * 8);
  }
  // Bit length; messages here are far below 2^53 bits, so two 32-bit halves suffice.
  const bits = n * 8;
  const low = bits | 0;
  const high = Math.floor(bits / 0x100000000) | 0;
  const last = words.length - 1;
  if (littleEndian) {
    words[last - 1] = low;
    words[last] = high;
  } else {
    words[last - 1] = high;
    words[last] = low;
  }
  return words;
}

// RFC 1319 §3.2: a permutation of 0..255 built from the digits of pi.
const MD2_S = [
  41, 46, 67, 201, 162, 216, 124, 1, 61, 54, 84, 161, 236, 240, 6, 19, 98, 167, 5, 243, 192, 199, 115, 140,
  152, 147, 43, 217, 188, 76, 130, 202, 30, 155, 87, 60, 253, 212, 224, 22, 103, 66, 111, 24, 138, 23, 229,
  18, 190, 78, 196, 214, 218, 158, 222, 73, 160, 251, 245, 142, 187, 47, 238, 122, 169, 104, 121, 145, 21,
  178, 7, 63, 148, 194, 16, 137, 11, 34, 95, 33, 128, 127, 93, 154, 90, 144, 50, 39, 53, 62, 204, 231, 191,
  247, 151, 3, 255, 25, 48, 179, 72, 165, 181, 209, 215, 94, 146, 42, 172, 86, 170, 198, 79, 184, 56, 210,
  150, 164, 125, 182, 118, 252, 107, 226, 156, 116, 4, 241, 69, 157, 112, 89, 100, 113, 135, 32, 134, 91, 207,
  101, 230, 45, 168, 2, 27, 96, 37, 173, 174, 176, 185, 246, 28, 70, 97, 105, 52, 64, 126, 15, 85, 71, 163,
  35, 221, 81, 175, 58, 195, 92, 249, 206, 186, 197, 234, 38, 44, 83, 13, 110, 133, 40, 132, 9, 211, 223, 205,
  244, 65, 129, 77, 82, 106, 220, 55, 200, 108, 193, 171, 250, 36, 225, 123, 8, 12, 189, 177, 74, 120, 136,
  149, 139, 227, 99, 232, 109, 233, 203, 213, 254, 59, 0, 29, 57, 242, 239, 183, 14, 102, 88, 208, 228, 166,
  119, 114, 248, 235, 117, 75, 10, 49, 68, 80, 180, 143, 237, 31, 26, 219, 153, 141, 51, 159, 17, 131, 20,
];

/** MD2 (RFC 1319). Obsolete, but Snowplow's PII enrichment still offers it. */
export function md2(message: Uint8Array): Uint8Array {
  // §3.1: pad with i bytes of value i to a multiple of 16 (always at least one byte).
  const padLength = 16 - (message.length % 16);
  const padded = new Uint8Array(message.length + padLength + 16);
  padded.set(message);
  padded.fill(padLength, message.length, message.length + padLength);
  // §3.2: append the checksum of the padded message.
  const checksumAt = message.length + padLength;
  let l = 0;
  for (let i = 0; i < checksumAt; i += 16) {
    for (let j = 0; j < 16; j++) {
      const c = padded[i + j]!;
      padded[checksumAt + j]! ^= MD2_S[c ^ l]!;
      l = padded[checksumAt + j]!;
    }
  }
  // §3.3–3.4: process 16-byte blocks through a 48-byte buffer.
  const x = new Uint8Array(48);
  for (let i = 0; i < padded.length; i += 16) {
    for (let j = 0; j < 16; j++) {
      x[16 + j] = padded[i + j]!;
      x[32 + j] = x[16 + j]! ^ x[j]!;
    }
    let t = 0;
    for (let j = 0; j < 18; j++) {
      for (let k = 0; k < 48; k++) {
        x[k]! ^= MD2_S[t]!;
        t = x[k]!;
      }
      t = (t + j) & 0xff;
    }
  }
  return x.slice(0, 16);
}

// RFC 1321 §3.4: per-round shift amounts, and T[i] = floor(2^32 × |sin(i + 1)|) written out, since
// `Math.sin` is not required to be correctly rounded.
const MD5_SHIFT = [
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9,
  14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15,
  21, 6, 10, 15, 21,
];
const MD5_T = Int32Array.from(
  { length: 64 },
  (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 0x100000000) | 0,
);

function md5Words(message: Uint8Array): Int32Array {
  const data = paddedWords(message, 64, 8, true);
  const h = Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476);
  const m = new Int32Array(16);
  for (let offset = 0; offset < data.length; offset += 16) {
    for (let i = 0; i < 16; i++) m[i] = data[offset + i]!;
    let a = h[0]!;
    let b = h[1]!;
    let c = h[2]!;
    let d = h[3]!;
    for (let i = 0; i < 64; i++) {
      let f: number;
      let g: number;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) & 15;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) & 15;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) & 15;
      }
      const sum = (((a + f) | 0) + ((MD5_T[i]! + m[g]!) | 0)) | 0;
      const s = MD5_SHIFT[i]!;
      a = d;
      d = c;
      c = b;
      b = (b + ((sum << s) | (sum >>> (32 - s)))) | 0;
    }
    h[0] = (h[0]! + a) | 0;
    h[1] = (h[1]! + b) | 0;
    h[2] = (h[2]! + c) | 0;
    h[3] = (h[3]! + d) | 0;
  }
  return h;
}

function sha1Words(message: Uint8Array): Int32Array {
  const data = paddedWords(message, 64, 8, false);
  const h = Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0);
  const w = new Int32Array(80);
  for (let offset = 0; offset < data.length; offset += 16) {
    for (let i = 0; i < 16; i++) w[i] = data[offset + i]!;
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = h[0]!;
    let b = h[1]!;
    let c = h[2]!;
    let d = h[3]!;
    let e = h[4]!;
    for (let i = 0; i < 80; i++) {
      let f: number;
      let k: number;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc | 0;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6 | 0;
      }
      const t = (((((a << 5) | (a >>> 27)) + f) | 0) + ((((e + k) | 0) + w[i]!) | 0)) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h[0] = (h[0]! + a) | 0;
    h[1] = (h[1]! + b) | 0;
    h[2] = (h[2]! + c) | 0;
    h[3] = (h[3]! + d) | 0;
    h[4] = (h[4]! + e) | 0;
  }
  return h;
}

// FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const SHA256_K = Int32Array.of(
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
);

function sha256Words(message: Uint8Array): Int32Array {
  const data = paddedWords(message, 64, 8, false);
  // FIPS 180-4 §5.3.3: square roots of the first 8 primes.
  const h = Int32Array.of(
    0x6a09e667,
    0xbb67ae85 | 0,
    0x3c6ef372,
    0xa54ff53a | 0,
    0x510e527f,
    0x9b05688c | 0,
    0x1f83d9ab,
    0x5be0cd19,
  );
  const w = new Int32Array(64);
  for (let offset = 0; offset < data.length; offset += 16) {
    for (let i = 0; i < 16; i++) w[i] = data[offset + i]!;
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15]!;
      const y = w[i - 2]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (((w[i - 16]! + s0) | 0) + ((w[i - 7]! + s1) | 0)) | 0;
    }
    let a = h[0]!;
    let b = h[1]!;
    let c = h[2]!;
    let d = h[3]!;
    let e = h[4]!;
    let f = h[5]!;
    let g = h[6]!;
    let hh = h[7]!;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (((((hh + S1) | 0) + ch) | 0) + ((SHA256_K[i]! + w[i]!) | 0)) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] = (h[0]! + a) | 0;
    h[1] = (h[1]! + b) | 0;
    h[2] = (h[2]! + c) | 0;
    h[3] = (h[3]! + d) | 0;
    h[4] = (h[4]! + e) | 0;
    h[5] = (h[5]! + f) | 0;
    h[6] = (h[6]! + g) | 0;
    h[7] = (h[7]! + hh) | 0;
  }
  return h;
}

// FIPS 180-4 §4.2.3: the first 64 bits of the fractional parts of the cube roots of the first 80
// primes, as (high, low) 32-bit halves.
const SHA512_K = Int32Array.of(
  0x428a2f98,
  0xd728ae22,
  0x71374491,
  0x23ef65cd,
  0xb5c0fbcf,
  0xec4d3b2f,
  0xe9b5dba5,
  0x8189dbbc,
  0x3956c25b,
  0xf348b538,
  0x59f111f1,
  0xb605d019,
  0x923f82a4,
  0xaf194f9b,
  0xab1c5ed5,
  0xda6d8118,
  0xd807aa98,
  0xa3030242,
  0x12835b01,
  0x45706fbe,
  0x243185be,
  0x4ee4b28c,
  0x550c7dc3,
  0xd5ffb4e2,
  0x72be5d74,
  0xf27b896f,
  0x80deb1fe,
  0x3b1696b1,
  0x9bdc06a7,
  0x25c71235,
  0xc19bf174,
  0xcf692694,
  0xe49b69c1,
  0x9ef14ad2,
  0xefbe4786,
  0x384f25e3,
  0x0fc19dc6,
  0x8b8cd5b5,
  0x240ca1cc,
  0x77ac9c65,
  0x2de92c6f,
  0x592b0275,
  0x4a7484aa,
  0x6ea6e483,
  0x5cb0a9dc,
  0xbd41fbd4,
  0x76f988da,
  0x831153b5,
  0x983e5152,
  0xee66dfab,
  0xa831c66d,
  0x2db43210,
  0xb00327c8,
  0x98fb213f,
  0xbf597fc7,
  0xbeef0ee4,
  0xc6e00bf3,
  0x3da88fc2,
  0xd5a79147,
  0x930aa725,
  0x06ca6351,
  0xe003826f,
  0x14292967,
  0x0a0e6e70,
  0x27b70a85,
  0x46d22ffc,
  0x2e1b2138,
  0x5c26c926,
  0x4d2c6dfc,
  0x5ac42aed,
  0x53380d13,
  0x9d95b3df,
  0x650a7354,
  0x8baf63de,
  0x766a0abb,
  0x3c77b2a8,
  0x81c2c92e,
  0x47edaee6,
  0x92722c85,
  0x1482353b,
  0xa2bfe8a1,
  0x4cf10364,
  0xa81a664b,
  0xbc423001,
  0xc24b8b70,
  0xd0f89791,
  0xc76c51a3,
  0x0654be30,
  0xd192e819,
  0xd6ef5218,
  0xd6990624,
  0x5565a910,
  0xf40e3585,
  0x5771202a,
  0x106aa070,
  0x32bbd1b8,
  0x19a4c116,
  0xb8d2d0c8,
  0x1e376c08,
  0x5141ab53,
  0x2748774c,
  0xdf8eeb99,
  0x34b0bcb5,
  0xe19b48a8,
  0x391c0cb3,
  0xc5c95a63,
  0x4ed8aa4a,
  0xe3418acb,
  0x5b9cca4f,
  0x7763e373,
  0x682e6ff3,
  0xd6b2b8a3,
  0x748f82ee,
  0x5defb2fc,
  0x78a5636f,
  0x43172f60,
  0x84c87814,
  0xa1f0ab72,
  0x8cc70208,
  0x1a6439ec,
  0x90befffa,
  0x23631e28,
  0xa4506ceb,
  0xde82bde9,
  0xbef9a3f7,
  0xb2c67915,
  0xc67178f2,
  0xe372532b,
  0xca273ece,
  0xea26619c,
  0xd186b8c7,
  0x21c0c207,
  0xeada7dd6,
  0xcde0eb1e,
  0xf57d4f7f,
  0xee6ed178,
  0x06f067aa,
  0x72176fba,
  0x0a637dc5,
  0xa2c898a6,
  0x113f9804,
  0xbef90dae,
  0x1b710b35,
  0x131c471b,
  0x28db77f5,
  0x23047d84,
  0x32caab7b,
  0x40c72493,
  0x3c9ebe0a,
  0x15c9bebc,
  0x431d67c4,
  0x9c100d4c,
  0x4cc5d4be,
  0xcb3e42b6,
  0x597f299c,
  0xfc657e2a,
  0x5fcb6fab,
  0x3ad6faec,
  0x6c44198c,
  0x4a475817,
);

// FIPS 180-4 §5.3.4 (SHA-384) and §5.3.5 (SHA-512) initial hash values, as (high, low) halves.
const SHA384_IV = [
  0xcbbb9d5d, 0xc1059ed8, 0x629a292a, 0x367cd507, 0x9159015a, 0x3070dd17, 0x152fecd8, 0xf70e5939, 0x67332667,
  0xffc00b31, 0x8eb44a87, 0x68581511, 0xdb0c2e0d, 0x64f98fa7, 0x47b5481d, 0xbefa4fa4,
];
const SHA512_IV = [
  0x6a09e667, 0xf3bcc908, 0xbb67ae85, 0x84caa73b, 0x3c6ef372, 0xfe94f82b, 0xa54ff53a, 0x5f1d36f1, 0x510e527f,
  0xade682d1, 0x9b05688c, 0x2b3e6c1f, 0x1f83d9ab, 0xfb41bd6b, 0x5be0cd19, 0x137e2179,
];

/** SHA-512's compression over 64-bit words held as (high, low) int32 pairs; returns 16 halves. */
function sha512Words(message: Uint8Array, iv: readonly number[]): Int32Array {
  const data = paddedWords(message, 128, 16, false);
  const h = Int32Array.from(iv, (x) => x | 0);
  const w = new Int32Array(160);
  for (let offset = 0; offset < data.length; offset += 32) {
    for (let i = 0; i < 32; i++) w[i] = data[offset + i]!;
    for (let i = 16; i < 80; i++) {
      // σ0(x) = ROTR1 ^ ROTR8 ^ SHR7; σ1(x) = ROTR19 ^ ROTR61 ^ SHR6.
      const xh = w[(i - 15) * 2]!;
      const xl = w[(i - 15) * 2 + 1]!;
      const s0h = ((xh >>> 1) | (xl << 31)) ^ ((xh >>> 8) | (xl << 24)) ^ (xh >>> 7);
      const s0l = ((xl >>> 1) | (xh << 31)) ^ ((xl >>> 8) | (xh << 24)) ^ ((xl >>> 7) | (xh << 25));
      const yh = w[(i - 2) * 2]!;
      const yl = w[(i - 2) * 2 + 1]!;
      const s1h = ((yh >>> 19) | (yl << 13)) ^ ((yl >>> 29) | (yh << 3)) ^ (yh >>> 6);
      const s1l = ((yl >>> 19) | (yh << 13)) ^ ((yh >>> 29) | (yl << 3)) ^ ((yl >>> 6) | (yh << 26));
      // w[i] = w[i-16] + σ0 + w[i-7] + σ1, with carries between the halves.
      let lo = (w[(i - 16) * 2 + 1]! >>> 0) + (s0l >>> 0) + (w[(i - 7) * 2 + 1]! >>> 0) + (s1l >>> 0);
      const hi = w[(i - 16) * 2]! + s0h + w[(i - 7) * 2]! + s1h + Math.floor(lo / 0x100000000);
      lo >>>= 0;
      w[i * 2] = hi | 0;
      w[i * 2 + 1] = lo | 0;
    }
    let ah = h[0]!;
    let al = h[1]!;
    let bh = h[2]!;
    let bl = h[3]!;
    let ch = h[4]!;
    let cl = h[5]!;
    let dh = h[6]!;
    let dl = h[7]!;
    let eh = h[8]!;
    let el = h[9]!;
    let fh = h[10]!;
    let fl = h[11]!;
    let gh = h[12]!;
    let gl = h[13]!;
    let hh = h[14]!;
    let hl = h[15]!;
    for (let i = 0; i < 80; i++) {
      // Σ1(e) = ROTR14 ^ ROTR18 ^ ROTR41.
      const S1h = ((eh >>> 14) | (el << 18)) ^ ((eh >>> 18) | (el << 14)) ^ ((el >>> 9) | (eh << 23));
      const S1l = ((el >>> 14) | (eh << 18)) ^ ((el >>> 18) | (eh << 14)) ^ ((eh >>> 9) | (el << 23));
      const chh = (eh & fh) ^ (~eh & gh);
      const chl = (el & fl) ^ (~el & gl);
      let t1l = (hl >>> 0) + (S1l >>> 0) + (chl >>> 0) + (SHA512_K[i * 2 + 1]! >>> 0) + (w[i * 2 + 1]! >>> 0);
      const t1h = hh + S1h + chh + SHA512_K[i * 2]! + w[i * 2]! + Math.floor(t1l / 0x100000000);
      t1l >>>= 0;
      // Σ0(a) = ROTR28 ^ ROTR34 ^ ROTR39.
      const S0h = ((ah >>> 28) | (al << 4)) ^ ((al >>> 2) | (ah << 30)) ^ ((al >>> 7) | (ah << 25));
      const S0l = ((al >>> 28) | (ah << 4)) ^ ((ah >>> 2) | (al << 30)) ^ ((ah >>> 7) | (al << 25));
      const majh = (ah & bh) ^ (ah & ch) ^ (bh & ch);
      const majl = (al & bl) ^ (al & cl) ^ (bl & cl);
      const t2l = (S0l >>> 0) + (majl >>> 0);
      const t2h = S0h + majh + Math.floor(t2l / 0x100000000);
      hh = gh;
      hl = gl;
      gh = fh;
      gl = fl;
      fh = eh;
      fl = el;
      const el2 = (dl >>> 0) + t1l;
      eh = (dh + t1h + Math.floor(el2 / 0x100000000)) | 0;
      el = el2 | 0;
      dh = ch;
      dl = cl;
      ch = bh;
      cl = bl;
      bh = ah;
      bl = al;
      const al2 = t1l + (t2l >>> 0);
      ah = (t1h + t2h + Math.floor(al2 / 0x100000000)) | 0;
      al = al2 | 0;
    }
    const add = (i: number, high: number, low: number): void => {
      const l = (h[i + 1]! >>> 0) + (low >>> 0);
      h[i] = (h[i]! + high + Math.floor(l / 0x100000000)) | 0;
      h[i + 1] = l | 0;
    };
    add(0, ah, al);
    add(2, bh, bl);
    add(4, ch, cl);
    add(6, dh, dl);
    add(8, eh, el);
    add(10, fh, fl);
    add(12, gh, gl);
    add(14, hh, hl);
  }
  return h;
}

/** Lower-case hex digest of `message` (bytes, or a string hashed as UTF-8, as Java's `getBytes(UTF_8)`). */
export function digestHex(algorithm: DigestAlgorithm, message: Uint8Array | string): string {
  const bytes = typeof message === "string" ? utf8.encode(message) : message;
  switch (algorithm) {
    case "MD2":
      return hexOfBytes(md2(bytes));
    case "MD5":
      return hexOfWords(md5Words(bytes), true);
    case "SHA-1":
      return hexOfWords(sha1Words(bytes), false);
    case "SHA-256":
      return hexOfWords(sha256Words(bytes), false);
    case "SHA-384":
      return hexOfWords(sha512Words(bytes, SHA384_IV).subarray(0, 12), false);
    case "SHA-512":
      return hexOfWords(sha512Words(bytes, SHA512_IV), false);
  }
}

/** The algorithm a name denotes, or null: Java's names, as Snowplow's configs spell them. */
export function parseDigestAlgorithm(name: string): DigestAlgorithm | null {
  switch (name) {
    case "MD2":
    case "MD5":
    case "SHA-1":
    case "SHA-256":
    case "SHA-384":
    case "SHA-512":
      return name;
    default:
      return null;
  }
}
