import { useState } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { TextField } from '../../../components/ui/text-field';
import { errorMessage } from '../../../lib/error-message';
import { useAddRelease } from '../api/add-release';
import { useReleases } from '../../../lib/catalogue/queries';
import { useMoveRelease } from '../api/move-release';
import { releaseFormSchema } from '../schemas';

/** The release list that prices upgrades: each release between two versions is one step. */
export function ReleasesEditor() {
  const { data: releases } = useReleases();
  const add = useAddRelease();
  const move = useMoveRelease();
  const [version, setVersion] = useState('');
  const [date, setDate] = useState('');
  const [errors, setErrors] = useState<{ version?: string; released_on?: string }>({});

  return (
    <section aria-labelledby="releases-title" className="space-y-3">
      <h2 id="releases-title" className="text-xl font-bold">
        Product releases
      </h2>
      <p className="text-sm text-slate-700">In release order, oldest first. Upgrade prices count the releases between two versions.</p>
      <form
        className="flex flex-wrap items-end gap-3"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const parsed = releaseFormSchema.safeParse({ version, released_on: date });
          if (!parsed.success) {
            const next: typeof errors = {};
            for (const issue of parsed.error.issues) next[issue.path[0] as 'version'] ??= issue.message;
            setErrors(next);
            return;
          }
          setErrors({});
          add.mutate(parsed.data, {
            onSuccess: () => {
              setVersion('');
              setDate('');
            },
          });
        }}
      >
        <TextField label="New version" name="version" value={version} onChange={(e) => setVersion(e.target.value)} error={errors.version} placeholder="4.4.3" />
        <TextField label="Released on" name="released_on" type="date" value={date} onChange={(e) => setDate(e.target.value)} error={errors.released_on} />
        <Button type="submit" pending={add.isPending}>
          Add release
        </Button>
      </form>
      {add.isError && <Alert tone="error" title="The release was not added">{errorMessage(add.error)}</Alert>}
      {move.isError && <Alert tone="error" title="The order was not changed">{errorMessage(move.error)}</Alert>}
      <ol className="divide-y divide-slate-200 rounded-md border border-slate-200 text-sm">
        {releases.map((r, i) => (
          <li key={r.version} className="flex items-center gap-3 px-3 py-1.5">
            <span className="w-8 text-slate-600">{i + 1}.</span>
            <span className="w-20 font-semibold">{r.version}</span>
            <span className="flex-1 text-slate-700">{r.released_on ?? 'no date'}</span>
            <Button variant="ghost" className="min-h-8 px-2" disabled={i === 0 || move.isPending} aria-label={`Move ${r.version} earlier`} onClick={() => move.mutate({ version: r.version, direction: 'up' })}>
              ↑
            </Button>
            <Button variant="ghost" className="min-h-8 px-2" disabled={i === releases.length - 1 || move.isPending} aria-label={`Move ${r.version} later`} onClick={() => move.mutate({ version: r.version, direction: 'down' })}>
              ↓
            </Button>
          </li>
        ))}
      </ol>
    </section>
  );
}
