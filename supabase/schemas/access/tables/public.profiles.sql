-- One profile per auth user, made together with a personal credit account and its owner membership by
-- app.handle_new_user at sign-up. `role` decides staff access; only an admin raises it (public.set_user_role)
-- or an operator in the console. The role helpers the policies use (app.is_staff, app.is_admin,
-- app.require_*) live in this domain too.
create table public.profiles (
  id uuid not null,
  email text not null,
  full_name text default ''::text not null,
  role public.app_role default 'customer'::public.app_role not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint profiles_pkey PRIMARY KEY (id),
  constraint profiles_id_fkey FOREIGN KEY (id) REFERENCES auth.users(id) ON DELETE CASCADE,
  constraint profiles_full_name_check CHECK (length(full_name) <= 200)
);

create index profiles_role_idx on public.profiles (role) WHERE (role <> 'customer'::public.app_role);

alter table public.profiles enable row level security;

comment on table public.profiles is 'One row per auth user, made by a trigger on auth.users. Users edit full_name only; role changes go through set_user_role (admins) or the console.';
comment on column public.profiles.email is 'Copied from auth.users at sign-up and kept in step by trigger.';
comment on column public.profiles.role is 'customer | engineer | admin. Not writable by users (column grants); set_user_role or the console.';

revoke all on table public.profiles from anon, authenticated, service_role;
grant select on table public.profiles to authenticated;
grant select on table public.profiles to service_role;
-- Column-level: the display name is the only thing a person may change about themselves; role stays out of
-- reach of the API.
grant update (full_name) on table public.profiles to authenticated;
