/** Shown instead of the app when the build's VITE_* settings are invalid: nothing would work anyway. */
export function ConfigErrorScreen({ problems }: { problems: string[] }) {
  return (
    <main className="mx-auto max-w-2xl px-4 py-16">
      <h1 className="text-2xl font-bold">Pro Portal is not configured correctly</h1>
      <p className="mt-4">
        This build of the app has invalid settings, so it cannot connect to its server. If you run this site, fix
        these values in the environment (or <code>.env</code> file) and rebuild:
      </p>
      <ul className="mt-4 list-disc space-y-1 pl-6 font-mono text-sm">
        {problems.map((problem) => (
          <li key={problem}>{problem}</li>
        ))}
      </ul>
      <p className="mt-4 text-slate-700">If you are a customer, please try again later.</p>
    </main>
  );
}
