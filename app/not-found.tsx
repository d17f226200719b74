import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto mt-[20vh] flex max-w-md flex-col items-center gap-3 px-4 text-center" data-testid="not-found">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="text-muted-foreground">This conversation does not exist, or it is not yours.</p>
      <Link href="/">Start a new chat</Link>
    </main>
  );
}
