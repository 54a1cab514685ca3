import { useQuery } from '@tanstack/react-query';
import { NavLink, type NavLinkProps } from 'react-router-dom';
import { paths } from '../../config/paths';
import { currentRoleQueryOptions, isAdminRole, isStaffRole } from '../../lib/current-role';

/** "Queue" for engineers and admins, "Admin" for admins; nothing for customers (and nothing while unknown). */
export function StaffNavLinks({ className }: { className: NavLinkProps['className'] }) {
  const { data: role } = useQuery(currentRoleQueryOptions());
  if (!isStaffRole(role ?? null)) return null;
  return (
    <>
      <NavLink to={paths.staff.root.getHref()} className={className}>
        Queue
      </NavLink>
      {isAdminRole(role ?? null) && (
        <NavLink to={paths.admin.root.getHref()} className={className}>
          Admin
        </NavLink>
      )}
    </>
  );
}
