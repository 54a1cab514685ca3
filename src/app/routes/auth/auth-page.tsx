import { useEffect, type ReactNode } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { safeNextPath } from '../../../config/paths';
import { useAuthSession } from '../../../lib/auth-session';
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

/**
 * Where a sign-in or sign-up page sends the person: back to the page that asked (`?next=`, when it is
 * one of ours) or home. `next` is handed on to the other page's link so the choice survives a switch.
 */
export function useAuthDestination() {
  const [searchParams] = useSearchParams();
  const next = searchParams.get('next') ?? undefined;
  const destination = safeNextPath(next);
  const navigate = useNavigate();
  const auth = useAuthSession();
  return {
    next,
    /** Already signed in: the page itself should not show, only send the person on. */
    redirect: auth.status === 'signed-in' ? <Navigate to={destination} replace /> : null,
    goOn: () => void navigate(destination, { replace: true }),
  };
}
