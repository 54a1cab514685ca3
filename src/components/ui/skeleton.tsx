/** Grey placeholder blocks while data loads; announced once as "Loading…". */
export function Skeleton({ lines = 3, label = 'Loading…' }: { lines?: number; label?: string }) {
  return (
    <div role="status" aria-label={label} className="animate-pulse space-y-3">
      {Array.from({ length: lines }, (_, index) => (
        <div key={index} className={`h-4 rounded bg-slate-200 ${index % 3 === 2 ? 'w-2/3' : 'w-full'}`} />
      ))}
    </div>
  );
}

export function SkeletonPage({ title }: { title: string }) {
  return (
    <section aria-busy="true">
      <h1 className="text-2xl font-bold">{title}</h1>
      <div className="mt-6 space-y-6">
        <Skeleton lines={2} />
        <Skeleton lines={5} />
      </div>
    </section>
  );
}
