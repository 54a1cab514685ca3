-- Credit events concern everyone who shares the wallet, so they go to every member of the account.
create or replace function app.notify_account(p_account_id uuid, p_kind text, p_title text, p_body text, p_data jsonb default '{}'::jsonb)
returns void language plpgsql security definer set search_path = ''
as $function$
begin
  insert into public.notifications (user_id, kind, title, body, data)
  select m.user_id, p_kind, p_title, p_body, coalesce(p_data, '{}')
  from public.account_members m
  where m.account_id = p_account_id;
end $function$;

comment on function app.notify_account(uuid,text,text,text,jsonb) is 'Insert a notification for every member of an account.';

revoke all on function app.notify_account(uuid,text,text,text,jsonb) from public, anon, authenticated, service_role;
