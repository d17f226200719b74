import { handleAuthRequest } from "@/lib/auth/handler";

/**
 * better-auth's routes (sign-up/email, sign-in/email, sign-out, get-session,
 * list-sessions, revoke-session, change-password, request-password-reset,
 * reset-password). proxy.ts applies the app's origin and JSON rules first.
 */
export const GET = handleAuthRequest;
export const POST = handleAuthRequest;
