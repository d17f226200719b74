"use client";

import { type FormEvent, type ReactNode } from "react";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogConfirm,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "./alert-dialog";

/**
 * A destructive action asked twice: an alert dialog with the consequences, an
 * optional field or two (a password), Cancel (focused first) and the confirm
 * button. It stays open while `busy` and shows `error` inside it; the caller
 * closes it (`onOpenChange(false)`) once the request has succeeded. The
 * fields are a form, so Enter confirms and the caller reads them from
 * `FormData`.
 */
export function ConfirmDialog({
  open,
  onOpenChange,
  trigger,
  title,
  description,
  children,
  error,
  busy,
  confirmLabel,
  busyLabel = confirmLabel,
  onConfirm,
  testId,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The button that opens it, when the dialog is not opened from elsewhere (a menu). */
  trigger?: ReactNode;
  title: string;
  description: ReactNode;
  /** Fields between the description and the buttons. */
  children?: ReactNode;
  error: string | null;
  busy: boolean;
  confirmLabel: string;
  busyLabel?: string;
  onConfirm: (fields: FormData) => void;
  /** Names the parts for tests: `<testId>-dialog`, `-cancel`, `-confirm`. */
  testId: string;
}) {
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!busy) onConfirm(new FormData(event.currentTarget));
  }

  return (
    <AlertDialog open={open} onOpenChange={onOpenChange}>
      {trigger && <AlertDialogTrigger asChild>{trigger}</AlertDialogTrigger>}
      <AlertDialogContent data-testid={`${testId}-dialog`}>
        <form className="flex flex-col gap-4" onSubmit={submit}>
          <AlertDialogHeader>
            <AlertDialogTitle>{title}</AlertDialogTitle>
            <AlertDialogDescription>{description}</AlertDialogDescription>
          </AlertDialogHeader>
          {children}
          {error && (
            <p role="alert" className="text-sm text-destructive" data-testid={`${testId}-error`}>
              {error}
            </p>
          )}
          <AlertDialogFooter>
            <AlertDialogCancel disabled={busy} data-testid={`${testId}-cancel`}>
              Cancel
            </AlertDialogCancel>
            <AlertDialogConfirm type="submit" disabled={busy} data-testid={`${testId}-confirm`}>
              {busy ? busyLabel : confirmLabel}
            </AlertDialogConfirm>
          </AlertDialogFooter>
        </form>
      </AlertDialogContent>
    </AlertDialog>
  );
}
