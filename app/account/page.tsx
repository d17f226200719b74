import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ChangePasswordForm } from "@/components/account/change-password-form";
import { DeleteAccount } from "@/components/account/delete-account";
import { SessionsList } from "@/components/account/sessions-list";
import { PageFrame } from "@/components/shell/page-frame";
import { getSession } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Account · Jarvus" };

function Section({ title, intro, children }: { title: string; intro?: string; children: React.ReactNode }) {
  return (
    <section className="flex flex-col gap-3 rounded-lg border border-border bg-card p-5" aria-labelledby={`${title}-heading`}>
      <div>
        <h2 id={`${title}-heading`} className="text-base font-semibold">
          {title}
        </h2>
        {intro && <p className="text-sm text-muted-foreground">{intro}</p>}
      </div>
      {children}
    </section>
  );
}

/** The signed-in account: who, where it is signed in, its password, and leaving with everything deleted. */
export default async function AccountPage() {
  const session = await getSession();
  if (!session?.account) redirect("/sign-in");
  const { account } = session;
  return (
    <PageFrame title="Your account" testId="account-page">
      <p className="text-sm text-muted-foreground">
        Signed in as {account.name ? <strong className="text-foreground">{account.name}</strong> : null} {account.email}
      </p>
      <Section title="Where you are signed in" intro="Sign out any browser you no longer use.">
        <SessionsList currentSessionId={account.sessionId} />
      </Section>
      <Section title="Change password" intro="Every other browser is signed out when the password changes.">
        <ChangePasswordForm />
      </Section>
      <Section title="Delete account" intro="Deletes the account and everything Jarvus keeps about you.">
        <DeleteAccount />
      </Section>
    </PageFrame>
  );
}
