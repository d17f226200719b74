import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { env } from "@/lib/env";
import { readOutbox } from "@/lib/mail/outbox";

export const metadata: Metadata = { title: "Development outbox · Jarvus" };

/**
 * Development only: the mail Jarvus would have sent without SMTP_URL (password
 * reset links), newest first. Production answers 404.
 */
export default async function OutboxPage() {
  const e = env();
  if (e.NODE_ENV !== "development" || e.SMTP_URL) notFound();
  const mail = await readOutbox();
  return (
    <main className="mx-auto flex min-h-dvh w-full max-w-2xl flex-col gap-4 px-4 py-8" data-testid="outbox-page">
      <header>
        <h1 className="text-2xl font-semibold">Development outbox</h1>
        <p className="text-sm text-muted-foreground">
          Mail that would have been sent; no SMTP_URL is set. Only `npm run dev` shows this page.
        </p>
      </header>
      {mail.length === 0 && <p className="text-sm text-muted-foreground">Nothing sent yet.</p>}
      <ul className="flex flex-col gap-3">
        {mail.map((m, i) => (
          <li key={`${m.sentAt}-${i}`} className="rounded-lg border border-border bg-card p-4 text-sm">
            <p className="font-medium">{m.subject}</p>
            <p className="text-muted-foreground">
              To {m.to} · {new Date(m.sentAt).toLocaleString()}
            </p>
            {/* Links are made clickable; the rest stays plain text. */}
            <p className="mt-2 whitespace-pre-wrap break-words">
              {m.text.split(/(https?:\/\/\S+)/).map((part, j) =>
                /^https?:\/\//.test(part) ? (
                  <a key={j} href={part} className="text-primary underline">
                    {part}
                  </a>
                ) : (
                  part
                ),
              )}
            </p>
          </li>
        ))}
      </ul>
    </main>
  );
}
