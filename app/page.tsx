import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import { ChatPage } from "@/components/chat/chat-page";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "New chat · Jarvus" };

/** A fresh chat: the conversation exists once its first message is sent. */
export default async function Home() {
  return <ChatPage conversationId={randomUUID()} initialMessages={[]} isNew />;
}
