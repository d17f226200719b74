-- Full text also over an episode's topics (data.topics): retrieval ranks memories by the words of
-- the question, and an episode's topics name what it was about in words it may not use itself.
-- A generated column's expression cannot be altered in place: drop and add it, with its index.
DROP INDEX IF EXISTS "memories_search_idx";--> statement-breakpoint
ALTER TABLE "memories" DROP COLUMN "search";--> statement-breakpoint
ALTER TABLE "memories" ADD COLUMN "search" tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce("key", '') || ' ' || "content" || ' ' || coalesce("data"->>'topics', ''))) STORED;--> statement-breakpoint
CREATE INDEX "memories_search_idx" ON "memories" USING gin ("search");
