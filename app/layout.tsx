import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { themeBootScript } from "@/components/theme/theme";
import { TooltipProvider } from "@/components/ui/tooltip";
import "./globals.css";

// Every page is rendered per request: Next puts the response's CSP nonce (proxy.ts) on its scripts
// only then; a prerendered page's scripts would be blocked.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "Jarvus",
  description: "A chat assistant that remembers",
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  // The on-screen keyboard shrinks the layout viewport, so 100dvh keeps the composer above it.
  interactiveWidget: "resizes-content",
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#fcfcfc" },
    { media: "(prefers-color-scheme: dark)", color: "#1c1d20" },
  ],
};

/** The nonce proxy.ts put in this request's Content-Security-Policy: our one inline script needs it. */
async function cspNonce(): Promise<string | undefined> {
  const csp = (await headers()).get("content-security-policy") ?? "";
  return /'nonce-([^']+)'/.exec(csp)?.[1];
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const nonce = await cspNonce();
  return (
    // The boot script sets the theme class before React hydrates.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: themeBootScript }} />
      </head>
      <body>
        <TooltipProvider delayDuration={400}>{children}</TooltipProvider>
      </body>
    </html>
  );
}
