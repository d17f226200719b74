import type { Metadata } from "next";
import { ImportForm } from "@/components/import/import-form";
import { MAX_IMPORT_BYTES } from "@/app/api/import/schema";
import "../memories/memories.css";

export const metadata: Metadata = { title: "Import history · Jarvus" };

/** Bring conversations from elsewhere; they become memories dated when they were said. */
export default function ImportPage() {
  return (
    <main className="memories-page" data-testid="import-page">
      <header className="memories-head">
        <a href="/" className="memories-back">
          ← Back to chat
        </a>
        <div className="memories-title">
          <h1>Import history</h1>
          <p className="muted">
            Upload your ChatGPT export (<code>conversations.json</code> from Settings → Data controls → Export) or a file
            in the Jarvus format (README: “Import”). Each exchange goes through the same memory pipeline as a new chat, dated when it was said.
            Importing the same file twice adds nothing. Up to {Math.round(MAX_IMPORT_BYTES / 1024 / 1024)} MB.
          </p>
        </div>
      </header>
      <ImportForm />
    </main>
  );
}
