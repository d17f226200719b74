import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest";

// Steps call the model and the database; give a run's request room to finish.
export const maxDuration = 300;

export const { GET, POST, PUT } = serve({ client: inngest, functions });
