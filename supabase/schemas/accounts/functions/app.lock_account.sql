create or replace function app.lock_account(p_account_id uuid)
returns public.accounts
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_account public.accounts;
begin
  perform pg_advisory_xact_lock(1, hashtext(p_account_id::text));
  select * into v_account from public.accounts a where a.id = p_account_id for no key update;
  return v_account;
end $function$;

comment on function app.lock_account(uuid) is 'Lock a customer account (advisory FIFO queue, then the row) until the transaction ends; returns the locked row.';

revoke all on function app.lock_account(uuid) from public, anon, authenticated, service_role;
