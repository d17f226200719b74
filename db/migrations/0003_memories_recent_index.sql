DROP INDEX "memories_user_id_type_idx";--> statement-breakpoint
CREATE INDEX "memories_user_id_type_valid_from_idx" ON "memories" USING btree ("user_id","type","valid_from");