import { tool } from "ai";
import { z } from "zod";

/** Longest expression accepted, in characters. */
export const MAX_EXPRESSION_LENGTH = 200;

/** A user-facing reason why an expression cannot be evaluated. */
export class CalculationError extends Error {
  override readonly name = "CalculationError";
}

type Token =
  | { kind: "number"; value: number; pos: number }
  | { kind: "op"; value: "+" | "-" | "*" | "/" | "%" | "^"; pos: number }
  | { kind: "paren"; value: "(" | ")"; pos: number }
  | { kind: "name"; value: string; pos: number };

// Maps, not object literals: a name like "constructor" must not reach the prototype.
const constants = new Map<string, number>([
  ["pi", Math.PI],
  ["e", Math.E],
]);

const functions = new Map<string, (x: number) => number>([
  [
    "sqrt",
    (x) => {
      if (x < 0) throw new CalculationError("Cannot take the square root of a negative number.");
      return Math.sqrt(x);
    },
  ],
  ["abs", Math.abs],
  ["round", Math.round],
  ["floor", Math.floor],
  ["ceil", Math.ceil],
]);

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const number = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(input.slice(i));
    if (number) {
      tokens.push({ kind: "number", value: Number(number[0]), pos: i });
      i += number[0].length;
      continue;
    }
    if (input.startsWith("**", i)) {
      tokens.push({ kind: "op", value: "^", pos: i });
      i += 2;
      continue;
    }
    if (ch === "+" || ch === "-" || ch === "*" || ch === "/" || ch === "%" || ch === "^") {
      tokens.push({ kind: "op", value: ch, pos: i });
      i++;
      continue;
    }
    // Typographic operators people paste in.
    if (ch === "×" || ch === "÷" || ch === "−") {
      tokens.push({ kind: "op", value: ch === "×" ? "*" : ch === "÷" ? "/" : "-", pos: i });
      i++;
      continue;
    }
    if (ch === "(" || ch === ")") {
      tokens.push({ kind: "paren", value: ch, pos: i });
      i++;
      continue;
    }
    const name = /^[a-zA-Z]+/.exec(input.slice(i));
    if (name) {
      const value = name[0].toLowerCase();
      if (!constants.has(value) && !functions.has(value)) {
        throw new CalculationError(
          `Unknown name "${name[0]}" at position ${i + 1}. Supported: ${[...functions.keys(), ...constants.keys()].join(", ")}.`,
        );
      }
      tokens.push({ kind: "name", value, pos: i });
      i += name[0].length;
      continue;
    }
    throw new CalculationError(`Unexpected character "${ch}" at position ${i + 1}.`);
  }
  return tokens;
}

/**
 * Recursive descent over:
 *   expr    := term (("+" | "-") term)*
 *   term    := unary (("*" | "/" | "%") unary | implicit-multiplication)*
 *   unary   := ("+" | "-") unary | power
 *   power   := primary ("^" unary)?        right-associative; -2^2 = -4
 *   primary := number | constant | function "(" expr ")" | "(" expr ")"
 */
class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): number {
    if (this.tokens.length === 0) throw new CalculationError("The expression is empty.");
    const value = this.expr();
    const rest = this.peek();
    if (rest) throw new CalculationError(`Unexpected "${String(rest.value)}" at position ${rest.pos + 1}.`);
    return value;
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private next(): Token | undefined {
    return this.tokens[this.index++];
  }

  private isOp(token: Token | undefined, ...ops: string[]): boolean {
    return token?.kind === "op" && ops.includes(token.value);
  }

  private expr(): number {
    let value = this.term();
    while (this.isOp(this.peek(), "+", "-")) {
      const op = this.next()!;
      const right = this.term();
      value = op.value === "+" ? value + right : value - right;
    }
    return value;
  }

  private term(): number {
    let value = this.unary();
    for (;;) {
      const token = this.peek();
      if (this.isOp(token, "*", "/", "%")) {
        this.next();
        const right = this.unary();
        if ((token!.value === "/" || token!.value === "%") && right === 0) {
          throw new CalculationError("Division by zero.");
        }
        value = token!.value === "*" ? value * right : token!.value === "/" ? value / right : value % right;
      } else if ((token?.kind === "paren" && token.value === "(") || token?.kind === "name") {
        // "2(3+4)", "2pi", "3 sqrt(4)": multiplication without a sign.
        value *= this.unary();
      } else {
        return value;
      }
    }
  }

  private unary(): number {
    if (this.isOp(this.peek(), "+", "-")) {
      const op = this.next()!;
      const value = this.unary();
      return op.value === "-" ? -value : value;
    }
    return this.power();
  }

  private power(): number {
    const base = this.primary();
    if (this.isOp(this.peek(), "^")) {
      this.next();
      const exponent = this.unary();
      if (base === 0 && exponent < 0) throw new CalculationError("Division by zero.");
      const value = base ** exponent;
      if (Number.isNaN(value)) throw new CalculationError("That power has no real result.");
      return value;
    }
    return base;
  }

  private primary(): number {
    const token = this.next();
    if (!token) throw new CalculationError("The expression ends too early.");
    if (token.kind === "number") return token.value;
    if (token.kind === "paren" && token.value === "(") {
      const value = this.expr();
      this.expectClose(token.pos);
      return value;
    }
    if (token.kind === "name") {
      const constant = constants.get(token.value);
      if (constant !== undefined) return constant;
      const fn = functions.get(token.value)!;
      const open = this.next();
      if (open?.kind !== "paren" || open.value !== "(") {
        throw new CalculationError(`Expected "(" after ${token.value} at position ${token.pos + 1}.`);
      }
      const value = this.expr();
      this.expectClose(open.pos);
      return fn(value);
    }
    throw new CalculationError(`Unexpected "${token.value}" at position ${token.pos + 1}.`);
  }

  private expectClose(openedAt: number): void {
    const close = this.next();
    if (close?.kind !== "paren" || close.value !== ")") {
      throw new CalculationError(`Missing ")" for the "(" at position ${openedAt + 1}.`);
    }
  }
}

/**
 * Evaluates an arithmetic expression without eval: + - * / % ^ (or **),
 * parentheses, unary minus, decimals, pi, e, sqrt/abs/round/floor/ceil.
 * Throws CalculationError with a user-facing message.
 */
export function evaluateExpression(expression: string): number {
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    throw new CalculationError(`The expression is too long (at most ${MAX_EXPRESSION_LENGTH} characters).`);
  }
  const value = new Parser(tokenize(expression)).parse();
  if (!Number.isFinite(value)) throw new CalculationError("The result is too large to represent.");
  // 12 significant digits hide binary noise: 0.1 + 0.2 gives 0.3, not 0.30000000000000004.
  const rounded = Number(value.toPrecision(12));
  return Object.is(rounded, -0) ? 0 : rounded;
}

export type CalculateOutput = { expression: string; result: number } | { expression: string; error: string };

export const calculate = tool({
  description:
    "Evaluate an arithmetic expression exactly. Use it for any arithmetic instead of computing in your head. " +
    "Supports + - * / % (remainder) ^ or ** (power), parentheses, decimals, pi, e, sqrt(), abs(), round(), floor(), ceil().",
  inputSchema: z.object({
    expression: z.string().describe('The expression, e.g. "12*(3+4)" or "2^10" or "sqrt(2)/2".'),
  }),
  // Bad input is an expected outcome, so it is returned (the model and the UI see the reason), not thrown.
  execute: async ({ expression }): Promise<CalculateOutput> => {
    try {
      return { expression, result: evaluateExpression(expression) };
    } catch (error) {
      if (error instanceof CalculationError) return { expression, error: error.message };
      throw error;
    }
  },
});
