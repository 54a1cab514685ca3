import { useEffect, type ReactNode } from 'react';
import { preloadSupabase } from '../../../lib/supabase-loader';
import { useDocumentTitle } from '../../../lib/use-document-title';

/** The frame shared by the sign-in, sign-up and password pages. */
export function AuthPage({ title, intro, children, footer }: { title: string; intro?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  useDocumentTitle(title);
  // Every form on these pages calls Supabase Auth: fetch the client while the person types.
  useEffect(preloadSupabase, []);
  return (
    <section aria-labelledby="auth-title" className="mx-auto w-full max-w-sm">
      <h1 id="auth-title" className="text-2xl font-bold">
        {title}
      </h1>
      {intro && <p className="mt-2 text-slate-700">{intro}</p>}
      <div className="mt-6 rounded-lg border border-slate-200 bg-white p-5 shadow-sm sm:p-6">{children}</div>
      {footer && <div className="mt-4 space-y-2 text-sm text-slate-700">{footer}</div>}
    </section>
  );
}
