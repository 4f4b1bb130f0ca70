/**
 * @module
 * The digests against the published test vectors (RFC 1319 for MD2, RFC 1321 for MD5, the NIST
 * FIPS 180 examples for the SHA family) and, for random inputs across block boundaries, against
 * the runtime's own `node:crypto` as an oracle.
 */
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { type DigestAlgorithm, digestHex, parseDigestAlgorithm } from "./message-digest.ts";

const alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const digits80 = "1234567890".repeat(8);

describe("MD2 (RFC 1319 appendix A.5)", () => {
  const vectors: [string, string][] = [
    ["", "8350e5a3e24c153df2275c9f80692773"],
    ["a", "32ec01ec4a6dac72c0ab96fb34c0b5d1"],
    ["abc", "da853b0d3f88d99b30283a69e6ded6bb"],
    ["message digest", "ab4f496bfb2a530b219ff33031fe06b0"],
    ["abcdefghijklmnopqrstuvwxyz", "4e8ddff3650292ab5a4108c3aa47940b"],
    [alphanumeric, "da33def2a42df13975352846c30338cd"],
    [digits80, "d5976f79d83d3a0dc9806c3c66f3efd8"],
  ];
  for (const [input, hex] of vectors) {
    test(`MD2(${JSON.stringify(input.slice(0, 20))})`, () => expect(digestHex("MD2", input)).toBe(hex));
  }
});

describe("MD5 (RFC 1321 appendix A.5)", () => {
  const vectors: [string, string][] = [
    ["", "d41d8cd98f00b204e9800998ecf8427e"],
    ["a", "0cc175b9c0f1b6a831c399e269772661"],
    ["abc", "900150983cd24fb0d6963f7d28e17f72"],
    ["message digest", "f96b697d7cb7938d525a2f31aaf161d0"],
    ["abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"],
    [alphanumeric, "d174ab98d277d9f5a5611c2c9f419d9f"],
    [digits80, "57edf4a22be3c955ac49da2e2107b67a"],
  ];
  for (const [input, hex] of vectors) {
    test(`MD5(${JSON.stringify(input.slice(0, 20))})`, () => expect(digestHex("MD5", input)).toBe(hex));
  }
});

describe("SHA family (FIPS 180 examples)", () => {
  const two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  const four =
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
  const vectors: [DigestAlgorithm, string, string][] = [
    ["SHA-1", "abc", "a9993e364706816aba3e25717850c26c9cd0d89d"],
    ["SHA-1", two, "84983e441c3bd26ebaae4aa1f95129e5e54670f1"],
    ["SHA-256", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    ["SHA-256", two, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"],
    [
      "SHA-384",
      "abc",
      "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
    ],
    [
      "SHA-384",
      four,
      "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039",
    ],
    [
      "SHA-512",
      "abc",
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    ],
    [
      "SHA-512",
      four,
      "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909",
    ],
    ["SHA-256", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
  ];
  for (const [algorithm, input, hex] of vectors) {
    test(`${algorithm}(${JSON.stringify(input.slice(0, 12))}…)`, () =>
      expect(digestHex(algorithm, input)).toBe(hex));
  }

  test("a million 'a's (FIPS 180 long message) for SHA-1 and SHA-256", () => {
    const million = "a".repeat(1_000_000);
    expect(digestHex("SHA-1", million)).toBe("34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    expect(digestHex("SHA-256", million)).toBe(
      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
    );
  });
});

describe("agrees with node:crypto on random input", () => {
  const oracleName: Record<Exclude<DigestAlgorithm, "MD2">, string> = {
    MD5: "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
  };
  for (const [algorithm, name] of Object.entries(oracleName)) {
    test(algorithm, () => {
      // Lengths around the 55/56/64 and 111/112/128 byte padding boundaries come up often.
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (bytes) => {
          const expected = createHash(name).update(bytes).digest("hex");
          expect(digestHex(algorithm as DigestAlgorithm, bytes)).toBe(expected);
        }),
        { numRuns: 300 },
      );
    });
  }

  test("strings are hashed as UTF-8", () => {
    expect(digestHex("SHA-256", "é✓😀")).toBe(createHash("sha256").update("é✓😀", "utf8").digest("hex"));
  });
});

test("parseDigestAlgorithm accepts Java's names only", () => {
  expect(parseDigestAlgorithm("SHA-256")).toBe("SHA-256");
  expect(parseDigestAlgorithm("SHA256")).toBeNull();
  expect(parseDigestAlgorithm("md5")).toBeNull();
});
