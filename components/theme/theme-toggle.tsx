"use client";

import { Moon, Sun } from "lucide-react";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { Tooltip } from "@/components/ui/tooltip";
import { currentTheme, setTheme, type ThemeChoice } from "./theme";

/** Light ↔ dark; the choice is stored (localStorage) and wins over the system's from then on. */
export function ThemeToggle() {
  // Unknown until mounted: the server cannot know the visitor's theme.
  const [theme, setState] = useState<ThemeChoice | null>(null);
  useEffect(() => {
    setState(currentTheme());
    const observer = new MutationObserver(() => setState(currentTheme()));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
    return () => observer.disconnect();
  }, []);
  const next: ThemeChoice = theme === "dark" ? "light" : "dark";
  const label = `Switch to ${next} theme`;
  return (
    <Tooltip content={label}>
      <Button variant="ghost" size="icon" aria-label={label} data-testid="theme-toggle" onClick={() => setTheme(next)}>
        {theme === "dark" ? <Sun /> : <Moon />}
      </Button>
    </Tooltip>
  );
}
