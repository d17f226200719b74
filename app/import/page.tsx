import type { Metadata } from "next";
import { ImportForm } from "@/components/import/import-form";
import { PageFrame } from "@/components/shell/page-frame";
import { MAX_IMPORT_BYTES } from "@/app/api/import/schema";

export const metadata: Metadata = { title: "Import history · Jarvus" };

/** Bring conversations from elsewhere; they become memories dated when they were said. */
export default function ImportPage() {
  return (
    <PageFrame title="Import history" testId="import-page">
      <p className="text-sm leading-relaxed text-muted-foreground">
        Upload your ChatGPT export (<code className="font-mono">conversations.json</code> from Settings → Data controls →
        Export) or a file in the Jarvus format (README: “Import”). Each exchange goes through the same memory pipeline as
        a new chat, dated when it was said. Importing the same file twice adds nothing. Up to{" "}
        {Math.round(MAX_IMPORT_BYTES / 1024 / 1024)} MB.
      </p>
      <ImportForm />
    </PageFrame>
  );
}
