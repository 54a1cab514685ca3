import { Outlet, ScrollRestoration, useLocation, useNavigation } from 'react-router-dom';
import { SiteFooter } from './site-footer';
import { SiteHeader } from './site-header';

export function RootLayout() {
  const location = useLocation();
  const navigation = useNavigation();
  // While the next page's code and data load, the router keeps the current page on screen. Anything
  // typed into it then would vanish with it — the sign-in and sign-up forms look alike, so people do
  // type into the old one. The page being left is inert until the next one arrives (the header stays
  // usable, and shows the progress bar). Changes within one page (filters, search) are not affected.
  const leaving = navigation.location !== undefined && navigation.location.pathname !== location.pathname;

  return (
    <div className="flex min-h-dvh flex-col">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded-md focus:bg-white focus:px-3 focus:py-2 focus:text-blue-800"
      >
        Skip to main content
      </a>
      <SiteHeader />
      <main
        id="main"
        tabIndex={-1}
        inert={leaving}
        aria-busy={leaving || undefined}
        className="mx-auto w-full max-w-5xl flex-1 px-4 py-8 focus:outline-none sm:py-12"
      >
        <Outlet />
      </main>
      <SiteFooter />
      <ScrollRestoration />
    </div>
  );
}
