import { Inngest } from "inngest";

/**
 * The app's Inngest client. Where events go is decided by the SDK's own
 * environment: INNGEST_DEV=<url> (the local server or the Dev Server) in
 * development, INNGEST_EVENT_KEY / INNGEST_SIGNING_KEY on Inngest Cloud.
 */
export const inngest = new Inngest({ id: "jarvus" });
