import { defineConfig } from "drizzle-kit";

// Used by `npm run db:generate` (and drizzle-kit studio). Migrations are applied
// by scripts/migrate.ts, which the launcher runs too.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema.ts",
  out: "./db/migrations",
  dbCredentials: { url: process.env.DATABASE_URL ?? process.env.POSTGRES_URL ?? "" },
});
