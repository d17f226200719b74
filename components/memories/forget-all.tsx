import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
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
    <ConfirmDialog
      open={open}
      onOpenChange={(next) => {
        setError(null);
        setOpen(next);
      }}
      trigger={
        <Button variant="destructive-outline" data-testid="forget-all">
          Forget everything
        </Button>
      }
      title="Forget everything?"
      description={
        <>
          This permanently deletes every fact, instruction and episode Jarvus remembers about you, with their history.
          Your conversations stay. It cannot be undone.
        </>
      }
      error={error}
      busy={busy}
      confirmLabel="Yes, forget everything"
      onConfirm={() => void forget()}
      testId="forget-all"
    />
  );
}
