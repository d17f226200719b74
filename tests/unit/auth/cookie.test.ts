import { describe, expect, it } from "vitest";
import { signSessionValue, verifySessionValue } from "@/lib/auth/cookie";

const secret = "a-test-secret-that-is-long-enough-0123456789";
const userId = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

describe("session cookie signing", () => {
  it("round-trips a signed user id", () => {
    expect(verifySessionValue(signSessionValue(userId, secret), secret)).toBe(userId);
  });

  it("rejects a value signed with another secret", () => {
    expect(verifySessionValue(signSessionValue(userId, `${secret}x`), secret)).toBeNull();
  });

  it("rejects a tampered user id or signature", () => {
    const value = signSessionValue(userId, secret);
    const otherUser = "0b7e6e8e-2f0a-4c55-9d43-1f7f3b1e9a10";
    expect(verifySessionValue(value.replace(userId, otherUser), secret)).toBeNull();
    expect(verifySessionValue(`${value.slice(0, -2)}AA`, secret)).toBeNull();
    expect(verifySessionValue(userId, secret)).toBeNull();
    expect(verifySessionValue("", secret)).toBeNull();
  });
});
