import { eq, sql } from "drizzle-orm";
import { getDb } from "../client";
import { users } from "../schema";

export async function createGuestUser(): Promise<{ id: string }> {
  const [row] = await getDb().insert(users).values({}).returning({ id: users.id });
  if (!row) throw new Error("insert into users returned no row");
  return row;
}

/** `email` is null for a guest. */
export async function getUserById({ id }: { id: string }): Promise<{ id: string; email: string | null } | undefined> {
  const [row] = await getDb().select({ id: users.id, email: users.email }).from(users).where(eq(users.id, id));
  return row;
}

export interface UserSettings {
  memoryEnabled: boolean;
}

export async function getUserSettingsById({ id }: { id: string }): Promise<UserSettings | undefined> {
  const [row] = await getDb().select({ memoryEnabled: users.memoryEnabled }).from(users).where(eq(users.id, id));
  return row;
}

export async function updateUserSettingsById({ id, ...changes }: { id: string } & Partial<UserSettings>): Promise<UserSettings | undefined> {
  const [row] = await getDb()
    .update(users)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(eq(users.id, id))
    .returning({ memoryEnabled: users.memoryEnabled });
  return row;
}
