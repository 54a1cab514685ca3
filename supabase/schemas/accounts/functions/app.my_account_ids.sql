-- Security definer: it reads account_members without RLS, and account_members' own policy calls it (as do
-- the policies of every table scoped to an account), so reading through RLS would recurse.
create or replace function app.my_account_ids()
returns setof uuid language plpgsql stable security definer set search_path = ''
as $function$
begin
  return query select m.account_id from public.account_members m where m.user_id = (select auth.uid());
end $function$;

comment on function app.my_account_ids() is 'Account ids the caller is a member of. Use as account_id = any (array(select app.my_account_ids())).';

revoke all on function app.my_account_ids() from public, anon, authenticated, service_role;
grant execute on function app.my_account_ids() to authenticated;
grant execute on function app.my_account_ids() to service_role;
