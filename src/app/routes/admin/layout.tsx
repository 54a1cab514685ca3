import { RequireRole, roleGuardLoader } from '../require-role';

export const clientLoader = roleGuardLoader;

export default function AdminLayout() {
  return <RequireRole area="admin" />;
}
