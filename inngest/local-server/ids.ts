import { monotonicFactory } from "ulid";

/** Monotonic within a process, so ids made in one millisecond still sort in creation order. */
const nextUlid = monotonicFactory();

export function newId(): string {
  return nextUlid();
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function encodeBase32(bytes: Uint8Array): string {
  // 16 bytes = 128 bits, rendered as 26 Crockford characters (the top 2 bits are padding).
  let out = "";
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  for (let i = 0; i < 26; i++) {
    out = (CROCKFORD[Number(value & 31n)] ?? "0") + out;
    value >>= 5n;
  }
  return out;
}

/**
 * Event ids derived from the SDK's `x-inngest-event-id-seed` header
 * ("<unix ms>,<base64 of 10 random bytes>"), the way the real server derives them
 * (pkg/event SeededIDFromString): time = seed millis, entropy = the seed bytes
 * with `index` added to the last 4 as a big-endian uint32. The SDK resends the
 * same seed when it retries a send, so a retry yields the same ids and is
 * stored once. Returns undefined for a missing or malformed seed.
 */
export function seededEventId(seed: string | undefined, index: number): string | undefined {
  if (!seed) return undefined;
  const [millisText, entropyText] = seed.split(",");
  const millis = Number(millisText);
  if (!Number.isSafeInteger(millis) || millis < 0 || !entropyText) return undefined;
  const entropy = Buffer.from(entropyText, "base64");
  if (entropy.length !== 10) return undefined;
  const bytes = new Uint8Array(16);
  let t = BigInt(millis);
  for (let i = 5; i >= 0; i--) {
    bytes[i] = Number(t & 0xffn);
    t >>= 8n;
  }
  bytes.set(entropy, 6);
  const tail = (entropy.readUInt32BE(6) + index) >>> 0;
  bytes[12] = (tail >>> 24) & 0xff;
  bytes[13] = (tail >>> 16) & 0xff;
  bytes[14] = (tail >>> 8) & 0xff;
  bytes[15] = tail & 0xff;
  return encodeBase32(bytes);
}
