import { RequireRole, roleGuardLoader } from '../require-role';

export const clientLoader = roleGuardLoader;

export default function StaffLayout() {
  return <RequireRole area="staff" />;
}
