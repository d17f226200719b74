import "server-only";
import nodemailer from "nodemailer";
import { env } from "@/lib/env";
import { appendToOutbox } from "./outbox";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Where mail goes: pluggable so tests, SMTP and the development outbox share one call site. */
export interface MailSender {
  /** "smtp" or "outbox": the UI says where to look for the mail. */
  readonly kind: "smtp" | "outbox";
  send(message: MailMessage): Promise<void>;
}

let override: MailSender | null | undefined;
let smtp: { url: string; sender: MailSender } | undefined;

/**
 * The configured sender: SMTP (nodemailer) when SMTP_URL is set; in
 * development without one, the local outbox (the launcher's log and
 * /dev/outbox), so a reset link is never silently dropped; in production
 * without one, none: the features that need mail say they are unavailable.
 */
export function mailSender(): MailSender | null {
  if (override !== undefined) return override;
  const e = env();
  if (e.SMTP_URL) {
    if (smtp?.url !== e.SMTP_URL) smtp = { url: e.SMTP_URL, sender: smtpSender(e.SMTP_URL, e.MAIL_FROM) };
    return smtp.sender;
  }
  return e.NODE_ENV === "development" ? outboxSender : null;
}

/** Tests plug in their own sender (null: none configured); undefined restores the configured one. */
export function setMailSenderForTests(sender: MailSender | null | undefined): void {
  override = sender;
}

function smtpSender(url: string, from: string): MailSender {
  const transport = nodemailer.createTransport(url);
  return {
    kind: "smtp",
    async send(message) {
      await transport.sendMail({ from, ...message });
    },
  };
}

const outboxSender: MailSender = {
  kind: "outbox",
  async send(message) {
    // The launcher prints the app's output: the link is in the terminal that ran `npm run dev`.
    console.log(`[mail] (development outbox, no SMTP_URL) to ${message.to}: ${message.subject}\n${message.text}`);
    await appendToOutbox(message);
  },
};
