-- Credit events concern everyone who shares the wallet, so they go to every member of the account (each
-- gets the mail too, per their own preference).
create or replace function app.notify_account(p_account_id uuid, p_kind text, p_title text, p_body text, p_data jsonb default '{}'::jsonb)
returns void language plpgsql security definer set search_path = ''
as $function$
declare
  v_user uuid;
begin
  for v_user in select m.user_id from public.account_members m where m.account_id = p_account_id order by m.user_id loop
    perform app.notify(v_user, p_kind, p_title, p_body, null, p_data);
  end loop;
end $function$;

comment on function app.notify_account(uuid,text,text,text,jsonb) is 'Insert a notification (and its mail) for every member of an account.';

revoke all on function app.notify_account(uuid,text,text,text,jsonb) from public, anon, authenticated, service_role;
