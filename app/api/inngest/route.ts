import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest";
import { env } from "@/lib/env";

// Steps call the model and the database; give a run's request room to finish.
export const maxDuration = 300;

const handlers = serve({ client: inngest, functions });

/**
 * In production the SDK runs in cloud mode and verifies every call's
 * signature (401 without one). Its error answers carry the error's stack
 * trace, server paths included; a signed answer goes to the Inngest server
 * that signed the call, but an unsigned one went to someone else, so it is
 * cut down to its status and a plain message.
 */
function withoutErrorDetails<H extends (...args: never[]) => Promise<Response>>(handler: H): H {
  return (async (...args: Parameters<H>) => {
    const response = await handler(...args);
    const signed = response.headers.has("x-inngest-signature");
    if (env().NODE_ENV !== "production" || response.status < 400 || signed) return response;
    const message = response.status === 401 ? "Unauthorized" : "The request could not be handled.";
    return Response.json({ message }, { status: response.status, headers: { "cache-control": "no-store" } });
  }) as H;
}

export const GET = withoutErrorDetails(handlers.GET);
export const POST = withoutErrorDetails(handlers.POST);
export const PUT = withoutErrorDetails(handlers.PUT);
