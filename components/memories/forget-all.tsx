import { useRef, useState } from "react";
import { readErrorMessage } from "./format";
import { sendJson } from "@/lib/http/send-json";

/** "Forget everything": a second, explicit click in a modal dialog before DELETE /api/memories. */
export function ForgetAll({ onForgotten }: { onForgotten: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
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
      dialog.current?.close();
      onForgotten();
    } catch {
      setError("Could not forget your memories. Check your connection and try again.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button
        type="button"
        className="button danger"
        onClick={() => {
          setError(null);
          dialog.current?.showModal();
        }}
        data-testid="forget-all"
      >
        Forget everything
      </button>
      <dialog ref={dialog} className="memory-dialog" aria-labelledby="forget-all-title" data-testid="forget-all-dialog">
        <h2 id="forget-all-title">Forget everything?</h2>
        <p>
          This permanently deletes every fact, instruction and episode Jarvus remembers about you, with their
          history. Your conversations stay. It cannot be undone.
        </p>
        {error && (
          <p role="alert" className="error-text">
            {error}
          </p>
        )}
        <div className="memory-actions">
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => dialog.current?.close()}
            data-testid="forget-all-cancel"
            autoFocus
          >
            Cancel
          </button>
          <button
            type="button"
            className="button danger"
            disabled={busy}
            onClick={() => void forget()}
            data-testid="forget-all-confirm"
          >
            Yes, forget everything
          </button>
        </div>
      </dialog>
    </>
  );
}
