import { checkHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

/** The chat works while Inngest is down (memory waits in the outbox), so only the database decides `ok`. */
export async function GET() {
  const health = await checkHealth();
  return Response.json(health, { status: health.ok ? 200 : 503 });
}
