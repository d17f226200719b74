"use client";

import { MoreHorizontal, Pencil, Trash2 } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuTrigger } from "@/components/ui/dropdown-menu";
import { Input } from "@/components/ui/input";
import { useShell, type ConversationItem } from "./shell-context";

/** The "…" menu of one conversation: rename (a dialog) and delete (asks first). */
export function ConversationActions({ conversation }: { conversation: ConversationItem }) {
  const { rename, remove, activeId } = useShell();
  const [renaming, setRenaming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [title, setTitle] = useState(conversation.title);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function saveTitle() {
    const next = title.trim();
    if (!next) {
      setError("A title needs at least one character.");
      return;
    }
    setBusy(true);
    const failed = await rename(conversation.id, next).catch(() => "Could not rename the conversation. Try again.");
    setBusy(false);
    if (failed) setError(failed);
    else setRenaming(false);
  }

  async function confirmDelete() {
    setBusy(true);
    const failed = await remove(conversation.id).catch(() => "Could not delete the conversation. Try again.");
    setBusy(false);
    if (failed) {
      setError(failed);
      return;
    }
    setDeleting(false);
    // The open chat is gone: start a fresh one (a full load mints a new conversation id).
    if (conversation.id === activeId || window.location.pathname.endsWith(conversation.id)) window.location.assign("/");
  }

  return (
    <>
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button
            variant="ghost"
            size="icon-sm"
            className="text-muted-foreground opacity-100 group-hover:opacity-100 data-[state=open]:opacity-100 md:opacity-0 md:group-focus-within:opacity-100"
            aria-label={`Actions for ${conversation.title}`}
            data-testid="conversation-menu"
          >
            <MoreHorizontal />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end">
          <DropdownMenuItem
            data-testid="rename-conversation"
            onSelect={() => {
              setTitle(conversation.title);
              setError(null);
              setRenaming(true);
            }}
          >
            <Pencil /> Rename
          </DropdownMenuItem>
          <DropdownMenuItem
            variant="destructive"
            data-testid="delete-conversation"
            onSelect={() => {
              setError(null);
              setDeleting(true);
            }}
          >
            <Trash2 /> Delete
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>

      <Dialog open={renaming} onOpenChange={setRenaming}>
        <DialogContent data-testid="rename-dialog">
          <form
            className="grid gap-4"
            onSubmit={(e) => {
              e.preventDefault();
              void saveTitle();
            }}
          >
            <DialogHeader>
              <DialogTitle>Rename conversation</DialogTitle>
              <DialogDescription>The title shows in the list and on the tab.</DialogDescription>
            </DialogHeader>
            <Input
              aria-label="Conversation title"
              value={title}
              maxLength={120}
              autoFocus
              onChange={(e) => setTitle(e.target.value)}
              data-testid="rename-input"
            />
            {error && (
              <p role="alert" className="text-sm text-destructive">
                {error}
              </p>
            )}
            <DialogFooter>
              <Button variant="outline" onClick={() => setRenaming(false)}>
                Cancel
              </Button>
              <Button type="submit" disabled={busy} data-testid="rename-save">
                Save
              </Button>
            </DialogFooter>
          </form>
        </DialogContent>
      </Dialog>

      <ConfirmDialog
        open={deleting}
        onOpenChange={setDeleting}
        title="Delete this conversation?"
        description={
          <>
            “{conversation.title}” and its messages are deleted for good. What Jarvus learned from it stays in Memories
            until you delete it there.
          </>
        }
        error={error}
        busy={busy}
        confirmLabel="Delete"
        onConfirm={() => void confirmDelete()}
        testId="delete-conversation"
      />
    </>
  );
}
