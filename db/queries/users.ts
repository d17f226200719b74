import { eq } from "drizzle-orm";
import { getDb } from "../client";
import { users } from "../schema";

export async function createGuestUser(): Promise<{ id: string }> {
  const [row] = await getDb().insert(users).values({}).returning({ id: users.id });
  if (!row) throw new Error("insert into users returned no row");
  return row;
}

export async function getUserById({ id }: { id: string }): Promise<{ id: string } | undefined> {
  const [row] = await getDb().select({ id: users.id }).from(users).where(eq(users.id, id));
  return row;
}
