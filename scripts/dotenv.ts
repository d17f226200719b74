import fs from "node:fs";

/** Loads .env.local then .env into process.env (values already set win), like Next does for itself. */
export function loadDotEnv(): void {
  for (const file of [".env.local", ".env"]) {
    if (fs.existsSync(file)) process.loadEnvFile(file);
  }
}
