/**
 * The subset of CEL that Inngest configs use in practice: trigger `if`s,
 * concurrency/debounce/idempotency keys, `cancelOn`/`waitForEvent` matches.
 *
 *   paths        event.data.a.b, event.name, async.data.x, event.data["k"], event.data.list[0]
 *   literals     'str' "str" 12 1.5 true false null [a, b]
 *   operators    == != < <= > >= && || ! in, unary -, parentheses, cond ? a : b
 *
 * Anything else is rejected when the function is synced (compileExpression
 * throws), so an unsupported expression fails loudly instead of silently
 * matching nothing at run time.
 *
 * Semantics follow CEL where it matters: no implicit type coercion (1 == "1" is
 * false), and reading a missing key is an error that makes the whole condition
 * false — except where && / || short-circuit around it, as CEL's commutative
 * error handling does.
 */

export type ExpressionScope = Record<string, unknown>;

export interface CompiledExpression {
  source: string;
  /** Root identifiers the expression reads (event, async). */
  roots: ReadonlySet<string>;
  evaluate(scope: ExpressionScope): unknown;
}

/** Marker for a CEL evaluation error (missing key, bad operand types). */
const ERROR: unique symbol = Symbol("cel-error");
type Value = unknown;

type Node =
  | { t: "lit"; v: Value }
  | { t: "list"; items: Node[] }
  | { t: "ident"; name: string }
  | { t: "member"; obj: Node; key: Node }
  | { t: "not"; e: Node }
  | { t: "neg"; e: Node }
  | { t: "bin"; op: string; l: Node; r: Node }
  | { t: "cond"; c: Node; a: Node; b: Node };

type Token =
  | { k: "num"; v: number }
  | { k: "str"; v: string }
  | { k: "id"; v: string }
  | { k: "op"; v: string }
  | { k: "end" };

const OPERATORS = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "(", ")", "[", "]", ".", ",", "?", ":", "-"];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let s = "";
      while (j < src.length && src[j] !== c) {
        if (src[j] === "\\" && j + 1 < src.length) {
          const e = src[j + 1] as string;
          s += e === "n" ? "\n" : e === "t" ? "\t" : e;
          j += 2;
        } else {
          s += src[j];
          j++;
        }
      }
      if (j >= src.length) throw new Error(`unterminated string at ${i}`);
      out.push({ k: "str", v: s });
      i = j + 1;
      continue;
    }
    const num = /^\d+(\.\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ k: "num", v: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      out.push({ k: "id", v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) throw new Error(`unsupported character ${JSON.stringify(c)} at ${i}`);
    out.push({ k: "op", v: op });
    i += op.length;
  }
  out.push({ k: "end" });
  return out;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos] ?? { k: "end" };
  }
  private next(): Token {
    const t = this.peek();
    this.pos++;
    return t;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.k === "op" && t.v === v;
  }
  private expectOp(v: string): void {
    if (!this.isOp(v)) throw new Error(`expected "${v}"`);
    this.pos++;
  }

  parseAll(): Node {
    const n = this.cond();
    if (this.peek().k !== "end") throw new Error(`unexpected ${describe(this.peek())}`);
    return n;
  }
  private cond(): Node {
    const c = this.or();
    if (!this.isOp("?")) return c;
    this.pos++;
    const a = this.cond();
    this.expectOp(":");
    const b = this.cond();
    return { t: "cond", c, a, b };
  }
  private or(): Node {
    let l = this.and();
    while (this.isOp("||")) {
      this.pos++;
      l = { t: "bin", op: "||", l, r: this.and() };
    }
    return l;
  }
  private and(): Node {
    let l = this.rel();
    while (this.isOp("&&")) {
      this.pos++;
      l = { t: "bin", op: "&&", l, r: this.rel() };
    }
    return l;
  }
  private rel(): Node {
    const l = this.unary();
    const t = this.peek();
    const isRel = t.k === "op" && ["==", "!=", "<", "<=", ">", ">="].includes(t.v);
    const isIn = t.k === "id" && t.v === "in";
    if (!isRel && !isIn) return l;
    this.pos++;
    const r = this.unary();
    const after = this.peek();
    if ((after.k === "op" && ["==", "!=", "<", "<=", ">", ">="].includes(after.v)) || (after.k === "id" && after.v === "in")) {
      throw new Error("chained comparisons are not supported; add parentheses");
    }
    return { t: "bin", op: isIn ? "in" : (t as { v: string }).v, l, r };
  }
  private unary(): Node {
    if (this.isOp("!")) {
      this.pos++;
      return { t: "not", e: this.unary() };
    }
    if (this.isOp("-")) {
      this.pos++;
      return { t: "neg", e: this.unary() };
    }
    return this.member();
  }
  private member(): Node {
    let n = this.primary();
    for (;;) {
      if (this.isOp(".")) {
        this.pos++;
        const id = this.next();
        if (id.k !== "id") throw new Error(`expected a field name after "."`);
        if (this.isOp("(")) throw new Error(`function calls (.${id.v}()) are not supported`);
        n = { t: "member", obj: n, key: { t: "lit", v: id.v } };
      } else if (this.isOp("[")) {
        this.pos++;
        const key = this.cond();
        this.expectOp("]");
        n = { t: "member", obj: n, key };
      } else {
        return n;
      }
    }
  }
  private primary(): Node {
    const t = this.next();
    if (t.k === "num" || t.k === "str") return { t: "lit", v: t.v };
    if (t.k === "id") {
      if (t.v === "true") return { t: "lit", v: true };
      if (t.v === "false") return { t: "lit", v: false };
      if (t.v === "null") return { t: "lit", v: null };
      if (this.isOp("(")) throw new Error(`function calls (${t.v}()) are not supported`);
      return { t: "ident", name: t.v };
    }
    if (t.k === "op" && t.v === "(") {
      const e = this.cond();
      this.expectOp(")");
      return e;
    }
    if (t.k === "op" && t.v === "[") {
      const items: Node[] = [];
      if (!this.isOp("]")) {
        items.push(this.cond());
        while (this.isOp(",")) {
          this.pos++;
          items.push(this.cond());
        }
      }
      this.expectOp("]");
      return { t: "list", items };
    }
    throw new Error(`unexpected ${describe(t)}`);
  }
}

function describe(t: Token): string {
  return t.k === "end" ? "end of expression" : JSON.stringify(t.v);
}

function collectRoots(n: Node, into: Set<string>): void {
  switch (n.t) {
    case "ident":
      into.add(n.name);
      return;
    case "member":
      collectRoots(n.obj, into);
      collectRoots(n.key, into);
      return;
    case "list":
      n.items.forEach((i) => collectRoots(i, into));
      return;
    case "not":
    case "neg":
      collectRoots(n.e, into);
      return;
    case "bin":
      collectRoots(n.l, into);
      collectRoots(n.r, into);
      return;
    case "cond":
      collectRoots(n.c, into);
      collectRoots(n.a, into);
      collectRoots(n.b, into);
      return;
    case "lit":
      return;
  }
}

function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function truthy(v: Value): boolean | typeof ERROR {
  return typeof v === "boolean" ? v : ERROR;
}

function evalNode(n: Node, scope: ExpressionScope): Value {
  switch (n.t) {
    case "lit":
      return n.v;
    case "list":
      return n.items.map((i) => evalNode(i, scope));
    case "ident":
      return Object.prototype.hasOwnProperty.call(scope, n.name) ? scope[n.name] : ERROR;
    case "member": {
      const obj = evalNode(n.obj, scope);
      const key = evalNode(n.key, scope);
      if (obj === ERROR || key === ERROR || obj === null || typeof obj !== "object") return ERROR;
      if (Array.isArray(obj)) return typeof key === "number" && key in obj ? obj[key] : ERROR;
      const k = String(key);
      return Object.prototype.hasOwnProperty.call(obj, k) ? (obj as Record<string, unknown>)[k] : ERROR;
    }
    case "not": {
      const v = truthy(evalNode(n.e, scope));
      return v === ERROR ? ERROR : !v;
    }
    case "neg": {
      const v = evalNode(n.e, scope);
      return typeof v === "number" ? -v : ERROR;
    }
    case "cond": {
      const c = truthy(evalNode(n.c, scope));
      if (c === ERROR) return ERROR;
      return evalNode(c ? n.a : n.b, scope);
    }
    case "bin":
      return evalBinary(n.op, n.l, n.r, scope);
  }
}

function evalBinary(op: string, ln: Node, rn: Node, scope: ExpressionScope): Value {
  if (op === "&&" || op === "||") {
    const l = truthy(evalNode(ln, scope));
    const short = op === "||";
    if (l === short) return short;
    const r = truthy(evalNode(rn, scope));
    if (r === short) return short;
    if (l === ERROR || r === ERROR) return ERROR;
    return !short;
  }
  const l = evalNode(ln, scope);
  const r = evalNode(rn, scope);
  if (l === ERROR || r === ERROR) return ERROR;
  switch (op) {
    case "==":
      return deepEqual(l, r);
    case "!=":
      return !deepEqual(l, r);
    case "in":
      if (Array.isArray(r)) return r.some((x) => deepEqual(x, l));
      if (r !== null && typeof r === "object") return typeof l === "string" && l in r;
      return ERROR;
    default: {
      const comparable = (typeof l === "number" && typeof r === "number") || (typeof l === "string" && typeof r === "string");
      if (!comparable) return ERROR;
      const a = l as number | string;
      const b = r as number | string;
      if (op === "<") return a < b;
      if (op === "<=") return a <= b;
      if (op === ">") return a > b;
      return a >= b;
    }
  }
}

/**
 * Parses a CEL expression; throws a readable error for anything outside the
 * subset, or for a root identifier other than `allowedRoots`.
 */
export function compileExpression(source: string, allowedRoots: readonly string[] = ["event"]): CompiledExpression {
  let ast: Node;
  try {
    ast = new Parser(tokenize(source)).parseAll();
  } catch (err) {
    throw new Error(`unsupported expression ${JSON.stringify(source)}: ${(err as Error).message}`);
  }
  const roots = new Set<string>();
  collectRoots(ast, roots);
  for (const r of roots) {
    if (!allowedRoots.includes(r)) {
      throw new Error(
        `unsupported expression ${JSON.stringify(source)}: unknown identifier "${r}" (allowed: ${allowedRoots.join(", ")})`,
      );
    }
  }
  return {
    source,
    roots,
    evaluate: (scope) => {
      const v = evalNode(ast, scope);
      return v === ERROR ? undefined : v;
    },
  };
}

/** A condition (`if`): true only when it evaluates to boolean true. */
export function matches(expr: CompiledExpression | undefined, scope: ExpressionScope): boolean {
  return expr === undefined || expr.evaluate(scope) === true;
}

/**
 * A key (concurrency, debounce, idempotency) as a string. Evaluation errors and
 * null give "", so such events share one bucket instead of failing the run.
 */
export function keyValue(expr: CompiledExpression, scope: ExpressionScope): string {
  const v = expr.evaluate(scope);
  if (v === undefined || v === null) return "";
  return typeof v === "string" ? v : JSON.stringify(v);
}
