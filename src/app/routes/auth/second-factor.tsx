/**
 * Staff's second factor. The database grants engineer and admin rights only to a session that verified a
 * TOTP code after the password (`aal2`), so a staff member at `aal1` is sent here by every signed-in
 * page: with a verified factor they enter its code; without one they first add the portal to an
 * authenticator app (QR code, or the key typed by hand) and confirm it with a code. Customers never come
 * here (they are sent on), and nothing else is offered to staff until this is done except signing out.
 */
import { useMutation, useQuery, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { Suspense, useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { PageSpinner } from '../../../components/ui/spinner';
import { TextField } from '../../../components/ui/text-field';
import { paths, safeNextPath } from '../../../config/paths';
import { authErrorMessage } from '../../../features/auth/auth-errors';
import { SignOutButton } from '../../../features/auth/components/sign-out-button';
import { useAuthSession } from '../../../lib/auth-session';
import { currentRoleQueryOptions, needsSecondFactor, type CurrentRole } from '../../../lib/current-role';
import { supabase } from '../../../lib/supabase';
import { AuthPage } from './auth-page';

const factorsKey = ['session', 'mfa-factors'] as const;
const enrolmentKey = ['session', 'mfa-enrolment'] as const;

/** Staff go on to the queue unless a page sent them here; anyone else to their portal. */
const destinationFor = (role: CurrentRole, next: string | undefined) =>
  safeNextPath(next, role && role.role !== 'customer' ? paths.staff.root.getHref() : paths.portal.root.getHref());

export default function SecondFactorRoute() {
  const auth = useAuthSession();
  const location = useLocation();
  const [searchParams] = useSearchParams();
  const next = searchParams.get('next') ?? undefined;

  if (auth.status === 'loading') return <PageSpinner label="Checking your sign-in…" />;
  if (auth.status === 'signed-out') {
    return <Navigate to={paths.auth.login.getHref(`${location.pathname}${location.search}`)} replace />;
  }
  return (
    <Suspense fallback={<PageSpinner label="Checking your account…" />}>
      <SecondFactorStep next={next} />
    </Suspense>
  );
}

function SecondFactorStep({ next }: { next: string | undefined }) {
  const { data: role } = useSuspenseQuery(currentRoleQueryOptions());
  if (!needsSecondFactor(role)) return <Navigate to={destinationFor(role, next)} replace />;
  return <FactorStep role={role} next={next} />;
}

function FactorStep({ role, next }: { role: NonNullable<CurrentRole>; next: string | undefined }) {
  const navigate = useNavigate();
  const { data: factors } = useSuspenseQuery({
    queryKey: factorsKey,
    queryFn: async () => {
      const { data, error } = await supabase.auth.mfa.listFactors();
      if (error) throw error;
      return data;
    },
    staleTime: 0,
  });
  // `totp` lists verified factors only; an unverified one is an earlier set-up left unfinished.
  const verified = factors.totp[0];
  const footer = (
    <div className="flex flex-wrap items-center justify-between gap-2">
      <span>Signed in as {role.email}.</span>
      <SignOutButton onSignedOut={() => void navigate(paths.home.getHref())} />
    </div>
  );
  return verified ? (
    <AuthPage title="Enter your code" intro="Enter the 6-digit code from your authenticator app." footer={footer}>
      <CodeForm factorId={verified.id} role={role} next={next} />
    </AuthPage>
  ) : (
    <AuthPage
      title="Set up your authenticator app"
      intro="Staff accounts need a second factor: a code from an authenticator app on your phone or computer, asked for at each sign-in."
      footer={footer}
    >
      <Enrolment role={role} next={next} />
    </AuthPage>
  );
}

/**
 * A new TOTP factor, made once per visit to this step (a query, so a remount does not make another).
 * Earlier unfinished set-ups are removed first: they would clash with the new one, and their QR code is
 * gone with the page that showed it.
 */
function Enrolment({ role, next }: { role: NonNullable<CurrentRole>; next: string | undefined }) {
  const enrolment = useQuery({
    queryKey: enrolmentKey,
    queryFn: async () => {
      const { data: listed, error: listError } = await supabase.auth.mfa.listFactors();
      if (listError) throw listError;
      for (const factor of listed.all) {
        if (factor.factor_type === 'totp' && factor.status === 'unverified') {
          const { error } = await supabase.auth.mfa.unenroll({ factorId: factor.id });
          if (error) throw error;
        }
      }
      const { data, error } = await supabase.auth.mfa.enroll({ factorType: 'totp' });
      if (error) throw error;
      return { id: data.id, qrCode: data.totp.qr_code, secret: data.totp.secret };
    },
    staleTime: Infinity,
    gcTime: Infinity,
    retry: false,
  });

  if (enrolment.isPending) return <PageSpinner label="Preparing your authenticator set-up…" />;
  if (enrolment.isError) {
    return (
      <div className="space-y-3">
        <Alert tone="error" title="The set-up could not start">
          {authErrorMessage(enrolment.error, 'second-factor')}
        </Alert>
        <Button variant="secondary" pending={enrolment.isFetching} onClick={() => void enrolment.refetch()}>
          Try again
        </Button>
      </div>
    );
  }
  const { id, qrCode, secret } = enrolment.data;
  return (
    <div className="space-y-4">
      <ol className="list-decimal space-y-3 pl-5 text-sm text-slate-800">
        <li>
          Scan this QR code with your authenticator app (1Password, Google Authenticator, Microsoft Authenticator or
          similar).
          <img src={qrCode} alt="QR code that adds Pro Portal to your authenticator app" width={176} height={176} className="mt-2 bg-white" />
        </li>
        <li>
          Cannot scan it? Add an account by hand with this key (time-based):
          <code aria-label="Key for manual entry" className="mt-1 block break-all rounded bg-slate-100 px-2 py-1 font-mono text-sm select-all">
            {secret}
          </code>
        </li>
        <li>Enter the 6-digit code the app now shows for Pro Portal.</li>
      </ol>
      <CodeForm factorId={id} role={role} next={next} submitLabel="Turn on and continue" />
    </div>
  );
}

/** The code form: one challenge and its verification per submit, which lifts the session to aal2. */
function CodeForm({
  factorId,
  role,
  next,
  submitLabel = 'Verify',
}: {
  factorId: string;
  role: NonNullable<CurrentRole>;
  next: string | undefined;
  submitLabel?: string;
}) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [fieldError, setFieldError] = useState<string>();
  const verify = useMutation({
    mutationFn: async (code: string) => {
      const { error } = await supabase.auth.mfa.challengeAndVerify({ factorId, code });
      if (error) throw error;
      // The role query still holds the aal1 answer; the pages behind the guards read it.
      await queryClient.fetchQuery({ ...currentRoleQueryOptions(), staleTime: 0 });
      queryClient.removeQueries({ queryKey: enrolmentKey });
      queryClient.removeQueries({ queryKey: factorsKey });
    },
    onSuccess: () => void navigate(destinationFor(role, next), { replace: true }),
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const input = event.currentTarget.elements.namedItem('code');
    const code = (input instanceof HTMLInputElement ? input.value : '').replace(/\s+/g, '');
    if (!/^\d{6}$/.test(code)) {
      setFieldError('Enter the 6 digits your authenticator app shows.');
      if (input instanceof HTMLInputElement) input.focus();
      return;
    }
    setFieldError(undefined);
    verify.mutate(code);
  };

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4" aria-label="Second factor">
      {verify.isError && <Alert tone="error">{authErrorMessage(verify.error, 'second-factor')}</Alert>}
      <TextField
        label="6-digit code"
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={7}
        required
        autoFocus
        error={fieldError}
      />
      <Button type="submit" pending={verify.isPending} className="w-full">
        {verify.isPending ? 'Checking…' : submitLabel}
      </Button>
    </form>
  );
}
