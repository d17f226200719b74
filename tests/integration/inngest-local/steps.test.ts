/**
 * Step execution against the real SDK: sequential and parallel steps,
 * retries, NonRetriableError, RetryAfterError, onFailure, sleep, sendEvent,
 * waitForEvent, cancelOn and an unsupported op.
 */
import { NonRetriableError, referenceFunction, RetryAfterError } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fnId, gate, startHarness, uniqueSchema, type Harness } from "./harness";

const ran = new Map<string, number>();
const bump = (key: string) => ran.set(key, (ran.get(key) ?? 0) + 1);
const count = (key: string) => ran.get(key) ?? 0;
const attemptTimes: number[] = [];
const received: Record<string, unknown> = {};
const holdParallel = gate();

/** onFailure's argument, spelled out: the harness's `AnyFunction[]` return type defeats the SDK's inference here. */
interface FailureArgs {
  error: Error;
  runId: string;
  event: { data: { function_id: string; run_id: string; event: { data: Record<string, unknown> } } };
}

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    schema: uniqueSchema("steps"),
    functions: (inngest) => [
      inngest.createFunction({ id: "sequential", triggers: [{ event: "test/sequential" }] }, async ({ event, step }) => {
        const a = await step.run("a", () => {
          bump(`seq-a-${event.data.n}`);
          return `A${event.data.n}`;
        });
        const b = await step.run("b", () => {
          bump(`seq-b-${event.data.n}`);
          return `${a}B`;
        });
        const c = await step.run("c", () => {
          bump(`seq-c-${event.data.n}`);
          return { value: `${b}C`, nothing: null };
        });
        return { final: c.value };
      }),
      inngest.createFunction({ id: "parallel", triggers: [{ event: "test/parallel" }] }, async ({ step }) => {
        const [x, y, z] = await Promise.all([
          step.run("px", async () => {
            bump("px");
            await holdParallel.promise; // y and z finish first: order of completion differs from order of calls
            return "x";
          }),
          step.run("py", () => {
            bump("py");
            return "y";
          }),
          step.run("pz", () => {
            bump("pz");
            if (count("pz") === 1) throw new Error("pz flakes once");
            return "z";
          }),
        ]);
        const after = await step.run("after", () => {
          bump("p-after");
          return `${x}${y}${z}`;
        });
        return after;
      }),
      // Parallel, then single, then parallel again: inline execution comes back
      // between groups and is switched off again for the second one.
      inngest.createFunction({ id: "parallel-twice", triggers: [{ event: "test/parallel-twice" }] }, async ({ step }) => {
        const first = await Promise.all(["qa", "qb"].map((id) => step.run(id, () => (bump(id), id))));
        const mid = await step.run("q-mid", () => (bump("q-mid"), "m"));
        const second = await Promise.all(["qc", "qd"].map((id) => step.run(id, () => (bump(id), id))));
        return step.run("q-end", () => (bump("q-end"), [...first, mid, ...second].join("")));
      }),
      inngest.createFunction({ id: "flaky", retries: 3, triggers: [{ event: "test/flaky" }] }, async ({ step }) => {
        return step.run("sometimes", () => {
          bump("flaky");
          if (count("flaky") < 3) throw new Error(`flake ${count("flaky")}`);
          return "ok after retries";
        });
      }),
      inngest.createFunction({ id: "fn-level-retry", retries: 2, triggers: [{ event: "test/fn-level" }] }, async ({ step, attempt }) => {
        const v = await step.run("before", () => {
          bump("fnlevel-before");
          return 1;
        });
        bump("fnlevel-body");
        if (attempt === 0) throw new Error("outside any step");
        return v + 1;
      }),
      inngest.createFunction(
        {
          id: "non-retriable",
          retries: 5,
          triggers: [{ event: "test/non-retriable" }],
          onFailure: async ({ error, event }: FailureArgs) => {
            bump("nr-onfailure");
            received.nrFailure = { message: error.message, original: event.data.event.data };
          },
        },
        async ({ step }) => {
          await step.run("refuse", () => {
            bump("nr");
            throw new NonRetriableError("do not retry me");
          });
        },
      ),
      inngest.createFunction(
        {
          id: "exhausted",
          retries: 2,
          triggers: [{ event: "test/exhausted" }],
          onFailure: async ({ error, event, runId }: FailureArgs) => {
            bump("ex-onfailure");
            received.exFailure = { message: error.message, fnId: event.data.function_id, runId, original: event.data.event.data };
          },
        },
        async ({ step }) => {
          await step.run("always-fails", () => {
            bump("ex");
            throw new Error("boom every time");
          });
        },
      ),
      inngest.createFunction({ id: "retry-after", retries: 2, triggers: [{ event: "test/retry-after" }] }, async ({ step }) => {
        return step.run("rate-limited", () => {
          attemptTimes.push(Date.now());
          if (attemptTimes.length === 1) throw new RetryAfterError("slow down", "1s");
          return "done";
        });
      }),
      inngest.createFunction({ id: "caught", retries: 0, triggers: [{ event: "test/caught" }] }, async ({ step }) => {
        try {
          await step.run("fails", () => {
            throw new Error("expected failure");
          });
        } catch (err) {
          return `caught: ${(err as Error).message}`;
        }
        return "not caught";
      }),
      inngest.createFunction({ id: "sleeper", triggers: [{ event: "test/sleep" }] }, async ({ step }) => {
        await step.run("before-sleep", () => bump("before-sleep"));
        await step.sleep("nap", "1s");
        await step.run("after-sleep", () => bump("after-sleep"));
        return "rested";
      }),
      inngest.createFunction({ id: "sender", triggers: [{ event: "test/send" }] }, async ({ step, event }) => {
        const sent = await step.sendEvent("notify", { name: "test/notified", data: { from: "sender", token: event.data.token } });
        return sent.ids.length;
      }),
      inngest.createFunction({ id: "notified", triggers: [{ event: "test/notified" }] }, async ({ event }) => {
        received.notified = event.data;
        return "got it";
      }),
      inngest.createFunction({ id: "waiter", triggers: [{ event: "test/wait" }] }, async ({ step, event }) => {
        const match = await step.waitForEvent("await-approval", {
          event: "test/approval",
          timeout: event.data.timeout,
          if: "async.data.key == event.data.key",
        });
        return match ? match.data.verdict : "timed out";
      }),
      inngest.createFunction(
        { id: "cancellable", triggers: [{ event: "test/cancellable" }], cancelOn: [{ event: "test/cancel", match: "data.key" }] },
        async ({ step }) => {
          await step.run("first", () => bump("cancellable-first"));
          await step.sleep("long-nap", "1h");
          await step.run("never", () => bump("cancellable-never"));
        },
      ),
      inngest.createFunction({ id: "invoker", triggers: [{ event: "test/invoke" }] }, async ({ step }) => {
        return step.invoke("call-other", { function: referenceFunction({ functionId: "notified" }), data: {} });
      }),
    ],
  });
});

afterAll(async () => {
  await h?.stop();
});

describe("local Inngest server: steps", () => {
  it("runs sequential steps once each and returns the output", async () => {
    await h.client.send({ name: "test/sequential", data: { n: 1 } });
    const [run] = await h.api.waitForEndedRuns(fnId("sequential"));
    expect(run?.status).toBe("completed");
    expect(run?.output).toEqual({ final: "A1BC" });
    expect([count("seq-a-1"), count("seq-b-1"), count("seq-c-1")]).toEqual([1, 1, 1]);
    expect(run?.steps.map((s) => [s.name, s.status, s.attempts])).toEqual([
      ["a", "completed", 1],
      ["b", "completed", 1],
      ["c", "completed", 1],
    ]);
    expect(run?.steps[2]?.output).toEqual({ value: "A1BC", nothing: null });
    expect(run?.event).toMatchObject({ name: "test/sequential", data: { n: 1 } });
  });

  it("runs parallel steps, retries a failing sibling alone, then continues", async () => {
    await h.client.send({ name: "test/parallel", data: {} });
    // py and the retried pz finish while px is still held.
    await h.api.waitFor("py and pz to finish", async () => count("py") === 1 && count("pz") === 2);
    holdParallel.open();
    const [run] = await h.api.waitForEndedRuns(fnId("parallel"));
    expect(run?.status).toBe("completed");
    expect(run?.output).toBe("xyz");
    expect([count("px"), count("py"), count("pz"), count("p-after")]).toEqual([1, 1, 2, 1]);
    const steps = Object.fromEntries(run?.steps.map((s) => [s.name, s]) ?? []);
    expect(steps.pz?.attempts).toBe(2);
    expect(steps.after?.status).toBe("completed");
  });

  it("runs two parallel groups with a single step between them, each body once", async () => {
    await h.client.send({ name: "test/parallel-twice", data: {} });
    const [run] = await h.api.waitForEndedRuns(fnId("parallel-twice"));
    expect(run?.status).toBe("completed");
    expect(run?.output).toBe("qaqbmqcqd");
    expect(["qa", "qb", "q-mid", "qc", "qd", "q-end"].map(count)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it("retries a failing step with backoff until it succeeds", async () => {
    await h.client.send({ name: "test/flaky", data: {} });
    const [run] = await h.api.waitForEndedRuns(fnId("flaky"));
    expect(run?.status).toBe("completed");
    expect(run?.output).toBe("ok after retries");
    expect(count("flaky")).toBe(3);
    expect(run?.steps[0]).toMatchObject({ name: "sometimes", status: "completed", attempts: 3 });
  });

  it("retries a function-level error without re-running memoized steps", async () => {
    await h.client.send({ name: "test/fn-level", data: {} });
    const [run] = await h.api.waitForEndedRuns(fnId("fn-level-retry"));
    expect(run?.status).toBe("completed");
    expect(run?.output).toBe(2);
    expect(count("fnlevel-before")).toBe(1);
    expect(count("fnlevel-body")).toBe(2);
  });

  it("does not retry a NonRetriableError and runs onFailure", async () => {
    await h.client.send({ name: "test/non-retriable", data: { order: "o-1" } });
    const [run] = await h.api.waitForEndedRuns(fnId("non-retriable"));
    expect(run?.status).toBe("failed");
    expect(count("nr")).toBe(1);
    expect(JSON.stringify(run?.error)).toContain("do not retry me");
    await h.api.waitForEndedRuns(fnId("non-retriable-failure"));
    expect(received.nrFailure).toEqual({ message: "do not retry me", original: { order: "o-1" } });
  });

  it("fails the run after the last retry and runs onFailure with the error and event", async () => {
    await h.client.send({ name: "test/exhausted", data: { job: 7 } });
    const [run] = await h.api.waitForEndedRuns(fnId("exhausted"));
    expect(run?.status).toBe("failed");
    expect(count("ex")).toBe(3); // retries: 2 → 3 attempts
    expect(run?.steps[0]).toMatchObject({ name: "always-fails", status: "failed", attempts: 3 });
    const [failure] = await h.api.waitForEndedRuns(fnId("exhausted-failure"));
    expect(failure?.status).toBe("completed");
    expect(failure?.event).toMatchObject({ name: "inngest/function.failed", data: { function_id: fnId("exhausted"), run_id: run?.id } });
    expect(count("ex-onfailure")).toBe(1);
    expect(received.exFailure).toMatchObject({ message: "boom every time", fnId: fnId("exhausted"), original: { job: 7 } });
  });

  it("waits for RetryAfterError's Retry-After before retrying", async () => {
    await h.client.send({ name: "test/retry-after", data: {} });
    const [run] = await h.api.waitForEndedRuns(fnId("retry-after"));
    expect(run?.status).toBe("completed");
    expect(attemptTimes).toHaveLength(2);
    // A causal lower bound, not a speed check: the server's own backoff here is
    // a few ms, so only honouring Retry-After: 1 puts a second between attempts.
    expect((attemptTimes[1] ?? 0) - (attemptTimes[0] ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it("lets user code catch a step that failed for good", async () => {
    await h.client.send({ name: "test/caught", data: {} });
    const [run] = await h.api.waitForEndedRuns(fnId("caught"));
    expect(run?.status).toBe("completed");
    expect(run?.output).toBe("caught: expected failure");
  });

  it("sleeps, then continues without re-running earlier steps", async () => {
    await h.client.send({ name: "test/sleep", data: {} });
    const [run] = await h.api.waitForEndedRuns(fnId("sleeper"));
    expect(run?.status).toBe("completed");
    expect(run?.output).toBe("rested");
    expect([count("before-sleep"), count("after-sleep")]).toEqual([1, 1]);
    expect(run?.steps.map((s) => [s.name, s.op, s.status])).toEqual([
      ["before-sleep", "StepRun", "completed"],
      ["nap", "Sleep", "completed"],
      ["after-sleep", "StepRun", "completed"],
    ]);
  });

  it("step.sendEvent triggers the receiving function", async () => {
    await h.client.send({ name: "test/send", data: { token: "t-42" } });
    const [run] = await h.api.waitForEndedRuns(fnId("sender"));
    expect(run?.output).toBe(1);
    const [notified] = await h.api.waitForEndedRuns(fnId("notified"));
    expect(notified?.status).toBe("completed");
    expect(received.notified).toEqual({ from: "sender", token: "t-42" });
  });

  it("step.waitForEvent resumes on the matching event only, or times out with null", async () => {
    await h.client.send({ name: "test/wait", data: { key: "k1", timeout: "1h" } });
    await h.api.waitFor("the wait to be registered", async () => {
      const [r] = await h.api.runs(fnId("waiter"));
      return r && (await h.api.run(r.id)).steps.some((s) => s.status === "waiting");
    });
    await h.client.send([
      { name: "test/approval", data: { key: "other", verdict: "wrong" } },
      { name: "test/approval", data: { key: "k1", verdict: "approved" } },
    ]);
    const [run] = await h.api.waitForEndedRuns(fnId("waiter"));
    expect(run?.output).toBe("approved");

    await h.client.send({ name: "test/wait", data: { key: "k2", timeout: "1s" } });
    const runs = await h.api.waitForEndedRuns(fnId("waiter"), 2);
    expect(runs[1]?.output).toBe("timed out");
  });

  it("cancelOn stops a matching run and leaves others alone", async () => {
    await h.client.send([
      { name: "test/cancellable", data: { key: "stop-me" } },
      { name: "test/cancellable", data: { key: "keep-me" } },
    ]);
    await h.api.waitFor("both runs to reach their sleep", async () => count("cancellable-first") === 2);
    await h.client.send({ name: "test/cancel", data: { key: "stop-me" } });
    const cancelled = await h.api.waitFor("one cancelled run", async () => {
      const rs = await h.api.runs(fnId("cancellable"));
      return rs.some((r) => r.status === "cancelled") ? rs : undefined;
    });
    expect(cancelled.map((r) => r.status).sort()).toEqual(["cancelled", "running"]);
    const stillRunning = cancelled.find((r) => r.status === "running");
    expect((await h.api.run(stillRunning?.id ?? "")).event).toMatchObject({ data: { key: "keep-me" } });
    expect(count("cancellable-never")).toBe(0);
  });

  it("fails a run that uses an op the server does not implement, saying so", async () => {
    await h.client.send({ name: "test/invoke", data: {} });
    const [run] = await h.api.waitForEndedRuns(fnId("invoker"));
    expect(run?.status).toBe("failed");
    expect(JSON.stringify(run?.error)).toMatch(/step\.invoke\(\) is not supported by the local Inngest server/);
  });
});
