import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";

// Every page is rendered per request: Next puts the response's CSP nonce (proxy.ts) on its scripts
// only then; a prerendered page's scripts would be blocked.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "Jarvus",
  description: "A chat assistant that remembers",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
