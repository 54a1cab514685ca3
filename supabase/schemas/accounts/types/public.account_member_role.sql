create type public.account_member_role as enum (
  'owner',
  'member'
);
