-- Who shares a wallet. The sign-up trigger (app.handle_new_user) makes the owner row; credit notices go to
-- every member (app.notify_account), because credit events concern everyone who shares the wallet.
create table public.account_members (
  account_id uuid not null,
  user_id uuid not null,
  role public.account_member_role default 'member'::public.account_member_role not null,
  created_at timestamp with time zone default now() not null,
  constraint account_members_pkey PRIMARY KEY (account_id, user_id),
  constraint account_members_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.accounts(id) ON DELETE CASCADE,
  constraint account_members_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.profiles(id) ON DELETE CASCADE
);

create index account_members_user_id_idx on public.account_members (user_id);

alter table public.account_members enable row level security;

comment on table public.account_members is 'Membership of users in credit accounts (owner/member). Written only by SQL functions.';

revoke all on table public.account_members from anon, authenticated, service_role;
grant select on table public.account_members to authenticated;
grant select on table public.account_members to service_role;
