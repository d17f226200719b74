import type { ComponentProps, ReactNode } from "react";
import { Input } from "@/components/ui/input";
import { cn } from "@/lib/cn";

/** A labelled input with an optional hint, linked for screen readers. */
export function Field({ id, label, hint, ...input }: ComponentProps<"input"> & { id: string; label: string; hint?: ReactNode }) {
  return (
    <div className="flex flex-col gap-1.5">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <Input id={id} name={id} aria-describedby={hint ? `${id}-hint` : undefined} {...input} />
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-muted-foreground">
          {hint}
        </p>
      )}
    </div>
  );
}

export function FormError({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p role="alert" className="rounded-md border border-destructive/40 bg-destructive/5 px-3 py-2 text-sm text-destructive" data-testid="form-error">
      {children}
    </p>
  );
}

export function FormNotice({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p role="status" className="rounded-md border border-border bg-muted px-3 py-2 text-sm" data-testid="form-notice">
      {children}
    </p>
  );
}

/** The narrow page that holds one account form. */
export function AuthCard({ title, intro, children, className }: { title: string; intro?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <main className="flex min-h-dvh items-start justify-center bg-background px-4 py-12 text-foreground sm:items-center">
      <div className={cn("flex w-full max-w-sm flex-col gap-5 rounded-lg border border-border bg-card p-6 shadow-sm", className)}>
        <div className="flex flex-col gap-1.5">
          <a href="/" className="text-sm text-muted-foreground hover:text-foreground">
            ← Back to chat
          </a>
          <h1 className="text-xl font-semibold">{title}</h1>
          {intro && <div className="text-sm text-muted-foreground">{intro}</div>}
        </div>
        {children}
      </div>
    </main>
  );
}
