import type { TestProject } from "vitest/node";
import { migrateDatabase } from "@/db/migrate";
import { createTestDatabase } from "./test-database";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/** One migrated database for the whole integration run; tests isolate by user. */
export default async function setup(project: TestProject) {
  const db = await createTestDatabase();
  await migrateDatabase(db.url);
  project.provide("databaseUrl", db.url);
  return async () => {
    await db.drop();
  };
}
