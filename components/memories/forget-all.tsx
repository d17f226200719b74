import { useState } from "react";
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
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { sendJson } from "@/lib/http/send-json";
import { readErrorMessage } from "./format";

/** "Forget everything": a second, explicit answer in an alert dialog before DELETE /api/memories. */
export function ForgetAll({ onForgotten }: { onForgotten: () => void }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function forget() {
    setBusy(true);
    setError(null);
    try {
      const res = await sendJson("/api/memories", "DELETE", { confirm: true });
      if (!res.ok) {
        setError(await readErrorMessage(res, "Could not forget your memories. Try again."));
        return;
      }
      setOpen(false);
      onForgotten();
    } catch {
      setError("Could not forget your memories. Check your connection and try again.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <AlertDialog
      open={open}
      onOpenChange={(next) => {
        setError(null);
        setOpen(next);
      }}
    >
      <AlertDialogTrigger asChild>
        <Button variant="destructive-outline" data-testid="forget-all">
          Forget everything
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent data-testid="forget-all-dialog">
        <AlertDialogHeader>
          <AlertDialogTitle>Forget everything?</AlertDialogTitle>
          <AlertDialogDescription>
            This permanently deletes every fact, instruction and episode Jarvus remembers about you, with their history.
            Your conversations stay. It cannot be undone.
          </AlertDialogDescription>
        </AlertDialogHeader>
        {error && (
          <p role="alert" className="text-sm text-destructive">
            {error}
          </p>
        )}
        <AlertDialogFooter>
          <AlertDialogCancel disabled={busy} data-testid="forget-all-cancel">
            Cancel
          </AlertDialogCancel>
          <AlertDialogConfirm disabled={busy} onClick={() => void forget()} data-testid="forget-all-confirm">
            Yes, forget everything
          </AlertDialogConfirm>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
