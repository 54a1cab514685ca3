import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ToastProvider } from '../components/ui/toast';
import { AuthSessionProvider } from '../lib/auth-session';

/** TanStack Query's provider is not here: see lib/query-provider.tsx (it is not part of `/`'s first load). */
export function AppProvider({ children }: { children: ReactNode }) {
  return (
    <AppErrorBoundary>
      <AuthSessionProvider>
        <ToastProvider>{children}</ToastProvider>
      </AuthSessionProvider>
    </AppErrorBoundary>
  );
}

/** Last resort for errors outside the router (whose own error element handles route errors). */
class AppErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    // Kept visible for whoever opens the console while we show the person a way forward.
    console.error(error, info.componentStack);
  }

  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <main className="mx-auto max-w-xl px-4 py-16 text-center">
        <h1 className="text-2xl font-bold">Something went wrong</h1>
        <p className="mt-4 text-slate-700">Pro Portal ran into an unexpected problem. Reloading the page usually fixes it.</p>
        <button
          type="button"
          onClick={() => window.location.reload()}
          className="mt-6 rounded-md bg-blue-800 px-4 py-2 font-semibold text-white hover:bg-blue-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-800"
        >
          Reload the page
        </button>
      </main>
    );
  }
}
