/**
 * @module
 * Physical names that must fit a service's length limit (ALB and target-group names: 32
 * characters). A name that fits is kept; a longer one is cut and given a hash of the whole name, so
 * two stages whose names share a long prefix still get different names.
 */

/** FNV-1a, 32 bits, as 8 hex digits: short, stable, and enough to tell stage names apart. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/** `name` if it has at most `max` characters, else a prefix of it, a hyphen and its hash. */
export function boundedName(name: string, max: number): string {
  if (name.length <= max) return name;
  const head = name.slice(0, max - 9).replace(/-+$/, "");
  return `${head}-${fnv1a(name)}`;
}
