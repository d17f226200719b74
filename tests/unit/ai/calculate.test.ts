import { describe, expect, it } from "vitest";
import { calculate, CalculationError, evaluateExpression, MAX_EXPRESSION_LENGTH } from "@/lib/ai/tools/calculate";

const run = (expression: string) =>
  calculate.execute!({ expression }, { toolCallId: "t", messages: [] }) as Promise<unknown>;

describe("evaluateExpression", () => {
  it.each([
    ["1 + 2", 3],
    ["12*(3+4)", 84],
    ["2^10", 1024],
    ["2**10", 1024],
    ["2^3^2", 512], // right-associative
    ["-2^2", -4], // unary minus binds looser than power
    ["(-2)^2", 4],
    ["2^-1", 0.5],
    ["10 - 4 - 3", 3], // left-associative
    ["100 / 10 / 5", 2],
    ["7 % 3", 1],
    ["-7 % 3", -1],
    ["--3", 3],
    ["-(1+2)*3", -9],
    ["3.5 * 2", 7],
    [".5 + .25", 0.75],
    ["0.1 + 0.2", 0.3],
    ["1e3 + 1", 1001],
    ["sqrt(16) + 1", 5],
    ["sqrt(2)^2", 2],
    ["2pi", Number((2 * Math.PI).toPrecision(12))],
    ["2(3+4)", 14],
    ["abs(-3) + round(2.5) + floor(2.7) + ceil(2.1)", 11],
    ["12 × 3 ÷ 4 − 1", 8],
    ["  42  ", 42],
  ])("%s = %d", (expression, expected) => {
    expect(evaluateExpression(expression)).toBe(expected);
  });

  it.each([
    ["1/0", /Division by zero/],
    ["5 % 0", /Division by zero/],
    ["0^-1", /Division by zero/],
    ["2 +", /ends too early/],
    ["(1+2", /Missing "\)"/],
    ["1+2)", /Unexpected "\)" at position 4/],
    ["", /empty/],
    ["2 $ 3", /Unexpected character "\$" at position 3/],
    ["foo(2)", /Unknown name "foo"/],
    ["sqrt 4", /Expected "\(" after sqrt/],
    ["sqrt(-1)", /negative/],
    ["(-8)^(1/3)", /no real result/],
    ["10^400", /too large/],
    ["1 2", /Unexpected "2"/],
  ])("%s fails with a clear message", (expression, message) => {
    expect(() => evaluateExpression(expression)).toThrow(CalculationError);
    expect(() => evaluateExpression(expression)).toThrow(message);
  });

  it("rejects input longer than the limit before parsing it", () => {
    expect(() => evaluateExpression("1+".repeat(100) + "1")).toThrow(/too long/);
    expect(evaluateExpression("1+".repeat(99) + "1")).toBe(100);
    expect(MAX_EXPRESSION_LENGTH).toBe(200);
  });

  it("never evaluates code", () => {
    expect(() => evaluateExpression("process.exit(1)")).toThrow(CalculationError);
    expect(() => evaluateExpression("constructor")).toThrow(/Unknown name/);
  });
});

describe("calculate tool", () => {
  it("returns the result", async () => {
    await expect(run("12*(3+4)")).resolves.toEqual({ expression: "12*(3+4)", result: 84 });
  });

  it("returns errors as a result instead of throwing", async () => {
    await expect(run("1/0")).resolves.toEqual({ expression: "1/0", error: "Division by zero." });
    await expect(run("9".repeat(201))).resolves.toMatchObject({ error: expect.stringMatching(/too long/) });
  });
});
