import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { TextField } from '../../../components/ui/text-field';
import type { AppRole } from '../../../lib/current-role';
import { errorMessage } from '../../../lib/error-message';
import { useUsers } from '../api/search-users';
import { useSetUserRole } from '../api/set-user-role';
import { ROLES } from '../schemas';

/** Find people by email and change their role (set_user_role: admins only, never their own). */
export function UsersEditor() {
  const [text, setText] = useState('');
  const [search, setSearch] = useState('');
  const users = useUsers(search);
  return (
    <section aria-labelledby="users-title" className="space-y-3">
      <h2 id="users-title" className="text-xl font-bold">
        Users and roles
      </h2>
      <form
        role="search"
        aria-label="Find users"
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(text.trim());
        }}
      >
        <TextField label="Find by email" name="user-search" type="search" value={text} onChange={(e) => setText(e.target.value)} description="Empty: staff members." />
        <Button type="submit" variant="secondary">
          Find
        </Button>
      </form>
      {users.isPending ? (
        <p role="status">Loading people…</p>
      ) : users.isError ? (
        <p role="alert" className="text-red-800">
          {errorMessage(users.error)}
        </p>
      ) : users.data.length === 0 ? (
        <p>Nobody matches “{search}”.</p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-md border border-slate-200">
          {users.data.map((u) => (
            <UserRow key={`${u.id}:${u.role}`} user={u} />
          ))}
        </ul>
      )}
    </section>
  );
}

function UserRow({ user }: { user: { id: string; email: string; full_name: string; role: AppRole } }) {
  const [role, setRole] = useState<AppRole>(user.role);
  const change = useSetUserRole();
  return (
    <li className="flex flex-wrap items-center gap-3 px-3 py-2 text-sm">
      <span className="min-w-0 flex-1 break-all">
        {user.email}
        {user.full_name && <span className="text-slate-700"> · {user.full_name}</span>}
      </span>
      <label className="flex items-center gap-2">
        <span className="sr-only">Role of {user.email}</span>
        <select value={role} onChange={(e) => setRole(e.target.value as AppRole)} className="rounded-md border border-slate-400 bg-white px-2 py-1">
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <Button variant="secondary" disabled={role === user.role} pending={change.isPending} onClick={() => change.mutate({ userId: user.id, role })} aria-label={`Save role of ${user.email}`}>
        Save role
      </Button>
      {change.isError && (
        <p role="alert" className="w-full text-red-800">
          {errorMessage(change.error)}
        </p>
      )}
    </li>
  );
}
