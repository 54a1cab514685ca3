import { Outlet } from 'react-router-dom';
import { QueryProvider } from '../../lib/query-provider';

/** The pathless layout of every lazy route: they read and write through TanStack Query. */
export default function QueryLayout() {
  return (
    <QueryProvider>
      <Outlet />
    </QueryProvider>
  );
}
