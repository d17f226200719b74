import { migrateDatabase } from "@/db/migrate";
import { databaseUrl } from "@/lib/env";
import { loadDotEnv } from "./dotenv";

// `npm run db:migrate`: applies db/migrations to DATABASE_URL (or POSTGRES_URL).
// The dev launcher applies them itself, to the embedded database too.
loadDotEnv();
const url = databaseUrl();
if (!url) {
  console.error("db:migrate needs DATABASE_URL or POSTGRES_URL (npm run dev migrates the embedded database itself).");
  process.exit(1);
}
await migrateDatabase(url);
console.log("Migrations applied.");
