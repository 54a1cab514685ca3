import { useLiveStatus } from '../../lib/live/use-live';

/**
 * Says so while the page cannot be live: the browser is offline, or the live connection dropped and is
 * being re-established. The page catches up by itself when it is back. The status region is always
 * present, so screen readers announce both the message and its going away.
 */
export function LiveBanner() {
  const offline = useLiveStatus() === 'offline';
  return (
    <div role="status" aria-live="polite" className="print:hidden">
      {offline && (
        <p className="border-b border-amber-300 bg-amber-50 px-4 py-2 text-center text-sm text-amber-950">
          <span className="font-semibold">You are offline.</span> Live updates are paused; this page catches up as soon as the connection is back.
        </p>
      )}
    </div>
  );
}
