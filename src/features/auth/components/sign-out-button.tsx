import { Button } from '../../../components/ui/button';
import { useSignOut } from '../api/sign-out';
import { authErrorMessage } from '../auth-errors';

export function SignOutButton({ onSignedOut }: { onSignedOut: () => void }) {
  const signOut = useSignOut({ mutationConfig: { onSuccess: onSignedOut } });
  return (
    <span className="inline-flex items-center gap-2">
      <Button variant="secondary" pending={signOut.isPending} onClick={() => signOut.mutate()}>
        Sign out
      </Button>
      {signOut.isError && (
        <span role="alert" className="text-sm text-red-800">
          {authErrorMessage(signOut.error, 'sign-out')}
        </span>
      )}
    </span>
  );
}
