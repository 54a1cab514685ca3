/**
 * Section - Profiles and accounts
 * One profile per auth user (with the role), one credit wallet (`accounts`) per customer with its
 * members, the role helpers the policies use, and the trigger that makes all three at sign-up.
 */

/** A person as Pro Portal knows them; `role` decides staff access and can only be raised by an admin. */
create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  email text not null,
  full_name text not null default '' check (length(full_name) <= 200),
  role public.app_role not null default 'customer',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.profiles is 'One row per auth user, made by a trigger on auth.users. Users edit full_name only; role changes go through set_user_role (admins) or the console.';
comment on column public.profiles.role is 'customer | engineer | admin. Not writable by users (column grants); set_user_role or the console.';
comment on column public.profiles.email is 'Copied from auth.users at sign-up and kept in step by trigger.';

grant select on public.profiles to authenticated, service_role;
-- Column-level: the only thing a person may change about themselves.
grant update (full_name) on public.profiles to authenticated;

alter table public.profiles enable row level security;

create trigger profiles_touch_updated_at before update on public.profiles
  for each row execute function app.touch_updated_at();

create index profiles_role_idx on public.profiles (role) where role <> 'customer';

/**
 * Section - Role helpers (security definer: read profiles without recursing into its RLS)
 * Helpers are PL/pgSQL rather than SQL: a SQL function with a SET clause cannot be inlined and, on
 * PostgreSQL 17, is planned again on every call, while PL/pgSQL caches its plans — it matters on the
 * charge path, which calls several of them.
 */

/** True when the caller is an engineer or admin. Used in policies as `(select app.is_staff())`. */
create function app.is_staff() returns boolean
language plpgsql stable security definer set search_path = '' as $$
begin
  return coalesce(
    (select p.role in ('engineer', 'admin') from public.profiles p where p.id = (select auth.uid())),
    false
  );
end $$;
comment on function app.is_staff() is 'Caller is engineer or admin. Wrap as (select app.is_staff()) in policies.';
revoke execute on function app.is_staff() from public;
grant execute on function app.is_staff() to authenticated, service_role;

/** True when the caller is an admin. */
create function app.is_admin() returns boolean
language plpgsql stable security definer set search_path = '' as $$
begin
  return coalesce(
    (select p.role = 'admin' from public.profiles p where p.id = (select auth.uid())),
    false
  );
end $$;
comment on function app.is_admin() is 'Caller is admin. Wrap as (select app.is_admin()) in policies.';
revoke execute on function app.is_admin() from public;
grant execute on function app.is_admin() to authenticated, service_role;

/** Profiles: people see themselves, staff see everyone (the queue shows who asked). */
create policy profiles_select on public.profiles for select to authenticated
  using (id = (select auth.uid()) or (select app.is_staff()));
create policy profiles_update_self on public.profiles for update to authenticated
  using (id = (select auth.uid()))
  with check (id = (select auth.uid()));

/** A credit wallet. Customer wallets never go below zero; system wallets (issued/consumed/adjustments) are the other side of every transfer. */
create table public.accounts (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),
  balance integer not null default 0,
  low_balance_threshold integer not null default 10 check (low_balance_threshold >= 0),
  system_code text unique check (system_code in ('issued', 'consumed', 'adjustments')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint accounts_customer_balance_not_negative check (system_code is not null or balance >= 0),
  constraint accounts_system_balance_unused check (system_code is null or balance = 0)
);
comment on table public.accounts is 'Credit wallets. balance changes only through the ledger functions (app.transfer).';
comment on column public.accounts.balance is 'Customer accounts: current credits, = sum of their credit_entries, never negative. System accounts: always 0 — their balance is sum(credit_entries.amount) (kept off the hot path so charges on different accounts never queue on one row).';
comment on column public.accounts.low_balance_threshold is 'A charge that takes the balance from >= this to below it sends one low_balance notification (0 = never).';
comment on column public.accounts.system_code is 'issued (source of purchased credits), consumed (sink of ticket charges), adjustments (admin corrections); null for customer wallets.';

grant select on public.accounts to authenticated, service_role;

alter table public.accounts enable row level security;

create trigger accounts_touch_updated_at before update on public.accounts
  for each row execute function app.touch_updated_at();

/** Who shares a wallet. The sign-up trigger makes the owner row; nothing else writes here yet. */
create table public.account_members (
  account_id uuid not null references public.accounts (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  role public.account_member_role not null default 'member',
  created_at timestamptz not null default now(),
  primary key (account_id, user_id)
);
comment on table public.account_members is 'Membership of users in credit accounts (owner/member). Written only by SQL functions.';

grant select on public.account_members to authenticated, service_role;

alter table public.account_members enable row level security;

create index account_members_user_id_idx on public.account_members (user_id);

/** The caller's account ids, read without RLS. Used in policies as `= any (array(select app.my_account_ids()))`. */
create function app.my_account_ids() returns setof uuid
language plpgsql stable security definer set search_path = '' as $$
begin
  return query select m.account_id from public.account_members m where m.user_id = (select auth.uid());
end $$;
comment on function app.my_account_ids() is 'Account ids the caller is a member of. Use as account_id = any (array(select app.my_account_ids())).';
revoke execute on function app.my_account_ids() from public;
grant execute on function app.my_account_ids() to authenticated, service_role;

create policy accounts_select on public.accounts for select to authenticated
  using (id = any (array(select app.my_account_ids())) or (select app.is_staff()));

create policy account_members_select on public.account_members for select to authenticated
  using (account_id = any (array(select app.my_account_ids())) or (select app.is_staff()));

/** The caller's personal (owned) account, for functions whose account argument defaults to it. */
create function app.personal_account_id(p_user_id uuid) returns uuid
language plpgsql stable security definer set search_path = '' as $$
begin
  return (
    select m.account_id from public.account_members m
    where m.user_id = p_user_id and m.role = 'owner'
    order by m.created_at, m.account_id
    limit 1
  );
end $$;
revoke execute on function app.personal_account_id(uuid) from public;

/** The signed-in caller, or forbidden. Every RPC starts here. */
create function app.require_user() returns uuid
language plpgsql stable security definer set search_path = '' as $$
declare
  v_uid uuid := auth.uid();
begin
  if v_uid is null or not exists (select 1 from public.profiles where id = v_uid) then
    perform app.raise_error('forbidden', 'Sign in to do this.');
  end if;
  return v_uid;
end $$;
revoke execute on function app.require_user() from public;

/** The signed-in caller if they are staff (engineer or admin), or forbidden. */
create function app.require_staff() returns uuid
language plpgsql stable security definer set search_path = '' as $$
declare
  v_uid uuid := app.require_user();
begin
  if not app.is_staff() then
    perform app.raise_error('forbidden', 'Only support engineers can do this.');
  end if;
  return v_uid;
end $$;
revoke execute on function app.require_staff() from public;

/** The signed-in caller if they are an admin, or forbidden. */
create function app.require_admin() returns uuid
language plpgsql stable security definer set search_path = '' as $$
declare
  v_uid uuid := app.require_user();
begin
  if not app.is_admin() then
    perform app.raise_error('forbidden', 'Only administrators can do this.');
  end if;
  return v_uid;
end $$;
revoke execute on function app.require_admin() from public;

/** Section - Sign-up */

/**
 * After a user is created in auth.users: their profile (email; full_name from the sign-up metadata),
 * a personal credit account, and their owner membership. Runs as the table owner so GoTrue's role
 * needs no rights on public.
 */
create function app.handle_new_user() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_name text := left(btrim(coalesce(new.raw_user_meta_data ->> 'full_name', new.raw_user_meta_data ->> 'name', '')), 200);
  v_account_id uuid;
begin
  insert into public.profiles (id, email, full_name)
  values (new.id, coalesce(new.email, ''), v_name);

  insert into public.accounts (name)
  values (left(coalesce(nullif(v_name, ''), nullif(new.email, ''), 'Personal account'), 200))
  returning id into v_account_id;

  insert into public.account_members (account_id, user_id, role)
  values (v_account_id, new.id, 'owner');
  return new;
end $$;
comment on function app.handle_new_user() is 'AFTER INSERT on auth.users: profile + personal account + owner membership.';
revoke execute on function app.handle_new_user() from public;

create trigger on_auth_user_created after insert on auth.users
  for each row execute function app.handle_new_user();

/** Keeps profiles.email in step when a user changes their email through Auth. */
create function app.handle_user_email_change() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  update public.profiles set email = coalesce(new.email, '') where id = new.id;
  return new;
end $$;
revoke execute on function app.handle_user_email_change() from public;

create trigger on_auth_user_email_changed after update of email on auth.users
  for each row when (old.email is distinct from new.email)
  execute function app.handle_user_email_change();

/** Section - Public functions */

/**
 * Admins change a person's role. Nobody changes their own (an admin cannot lock the portal out of its
 * last admin by accident); the console (`postgres`) may still edit profiles.role directly.
 */
create function public.set_user_role(p_user_id uuid, p_role public.app_role) returns public.profiles
language plpgsql security definer set search_path = '' as $$
declare
  v_uid uuid := app.require_admin();
  v_profile public.profiles;
begin
  if p_user_id is null or p_role is null then
    perform app.raise_error('invalid_input', 'Choose a person and a role.');
  end if;
  if p_user_id = v_uid then
    perform app.raise_error('invalid_state', 'You cannot change your own role; ask another administrator.');
  end if;
  update public.profiles set role = p_role where id = p_user_id returning * into v_profile;
  if v_profile.id is null then
    perform app.raise_error('not_found', 'There is no such person.');
  end if;
  return v_profile;
end $$;
comment on function public.set_user_role(uuid, public.app_role) is 'Admin only: set another person''s role. Returns the profile.';
revoke execute on function public.set_user_role(uuid, public.app_role) from public, anon;
grant execute on function public.set_user_role(uuid, public.app_role) to authenticated;
