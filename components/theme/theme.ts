/** The stored theme choice; absent means "follow the system" (prefers-color-scheme). */
export const THEME_STORAGE_KEY = "jarvus-theme";
export type ThemeChoice = "light" | "dark";

/**
 * Runs before first paint (inlined into <head>): applies the stored choice or
 * the system's, so a dark-theme visitor never sees a white flash. Kept as a
 * string: it must not wait for React or any bundle.
 */
export const themeBootScript = `(function(){try{var k=${JSON.stringify(THEME_STORAGE_KEY)};var m=window.matchMedia("(prefers-color-scheme: dark)");var apply=function(){var s=localStorage.getItem(k);var d=s==="dark"||(s!=="light"&&m.matches);document.documentElement.classList.toggle("dark",d);};apply();m.addEventListener("change",apply);}catch(e){}})();`;

export function currentTheme(): ThemeChoice {
  return document.documentElement.classList.contains("dark") ? "dark" : "light";
}

export function setTheme(choice: ThemeChoice): void {
  try {
    localStorage.setItem(THEME_STORAGE_KEY, choice);
  } catch {
    // storage blocked (private mode): the choice lasts for this page only
  }
  document.documentElement.classList.toggle("dark", choice === "dark");
}
