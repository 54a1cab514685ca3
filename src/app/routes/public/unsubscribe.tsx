import { useSearchParams } from 'react-router-dom';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Link } from '../../../components/ui/link';
import { paths } from '../../../config/paths';
import { useUnsubscribe } from '../../../features/notifications/api/unsubscribe';
import { ALWAYS_SENT_REASON, MAIL_KINDS } from '../../../features/notifications/mail-kinds';
import { unsubscribeLinkSchema, type UnsubscribeLink } from '../../../features/notifications/schemas';
import { apiErrorMessage } from '../../../lib/api-errors';
import { humanizeCode } from '../../../lib/category-label';
import { useDocumentTitle } from '../../../lib/use-document-title';

/**
 * How unsubscribe_by_token refused, from PostgREST's error: its stable code is the `message`, and a
 * refusal that shares a code says which in `hint`.
 */
function refusal(error: unknown): 'invalid_token' | 'not_optional' | 'other' {
  const { message, hint } = (typeof error === 'object' && error ? error : {}) as { message?: unknown; hint?: unknown };
  if (message === 'invalid_unsubscribe_token') return 'invalid_token';
  if (hint === 'not_optional') return 'not_optional';
  return 'other';
}

function ChooseInstead() {
  return (
    <p className="mt-6 text-sm text-slate-700">
      You can also <Link to={paths.portal.notificationSettings.getHref()}>choose all your e-mails</Link> after signing in.
    </p>
  );
}

/**
 * The page a mail's "Unsubscribe" link opens. Opening it changes nothing (mail scanners follow links):
 * only the button does, and it needs no sign-in because the link's token says whose mail it is.
 */
export default function UnsubscribeRoute() {
  useDocumentTitle('Unsubscribe');
  const [search] = useSearchParams();
  const parsed = unsubscribeLinkSchema.safeParse({ token: search.get('token') ?? '', kind: search.get('kind') ?? '' });
  return (
    <section aria-labelledby="unsubscribe-title" className="mx-auto max-w-lg">
      <h1 id="unsubscribe-title" className="text-2xl font-bold">
        Unsubscribe
      </h1>
      {parsed.success ? (
        <UnsubscribeForm link={parsed.data} />
      ) : (
        <>
          <div className="mt-4">
            <Alert tone="error" title="This unsubscribe link is incomplete">
              Part of the link is missing, which happens when an e-mail program breaks a long link in two. Open the link from the e-mail
              again, or copy all of it into the address bar. Nothing was changed.
            </Alert>
          </div>
          <ChooseInstead />
        </>
      )}
    </section>
  );
}

function UnsubscribeForm({ link }: { link: UnsubscribeLink }) {
  const unsubscribe = useUnsubscribe();
  const known = MAIL_KINDS[link.kind];
  const label = unsubscribe.data?.label ?? known?.label ?? humanizeCode(link.kind);

  const refused = unsubscribe.isError ? refusal(unsubscribe.error) : null;
  if ((known && !known.optional) || refused === 'not_optional') {
    return (
      <>
        <div className="mt-4">
          <Alert tone="info" title={`“${label}” e-mails cannot be turned off`}>
            {ALWAYS_SENT_REASON} They are your record of payments and of changes to your account. Nothing was changed.
          </Alert>
        </div>
        <ChooseInstead />
      </>
    );
  }

  if (unsubscribe.isSuccess) {
    return (
      <>
        <div className="mt-4">
          <Alert tone="success" title="You are unsubscribed">
            {link.kind === 'digest'
              ? 'You will no longer get the daily digest: the e-mails you had chosen to get daily are now off.'
              : `You will no longer get “${label}” e-mails.`}{' '}
            Other e-mails and the notices in the portal are not affected.
          </Alert>
        </div>
        <p className="mt-6">
          <Link to={paths.portal.notificationSettings.getHref()}>Change your e-mail choices</Link>
        </p>
      </>
    );
  }

  const invalid = refused === 'invalid_token';
  return (
    <>
      <p className="mt-4 text-slate-800">
        Stop getting <strong>“{label}”</strong> e-mails? Other e-mails and the notices in the portal stay as they are.
      </p>
      {unsubscribe.isError && (
        <div className="mt-4">
          {invalid ? (
            <Alert tone="error" title="This unsubscribe link is not valid">
              We do not recognise it: it may be mistyped or no longer in use. Nothing was changed. Sign in to choose your e-mails instead.
            </Alert>
          ) : (
            <Alert tone="error" title="You are not unsubscribed yet">
              {apiErrorMessage(unsubscribe.error)}
            </Alert>
          )}
        </div>
      )}
      {!invalid && (
        <div className="mt-6">
          <Button pending={unsubscribe.isPending} onClick={() => unsubscribe.mutate(link)}>
            Unsubscribe
          </Button>
        </div>
      )}
      <ChooseInstead />
    </>
  );
}
