import { afterAll, inject } from "vitest";
import { closeDb } from "@/db/client";
import { resetEnvCache } from "@/lib/env";

// Point the app's database module at the run's test database before any test imports it.
process.env.DATABASE_URL = inject("databaseUrl");
resetEnvCache();

afterAll(async () => {
  await closeDb();
});
