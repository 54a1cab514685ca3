-- The one writer of outbox rows for new mails. It checks the address and cleans the name (both become
-- headers), skips suppressed addresses, and ignores a repeated dedupe key.
create or replace function app.enqueue_mail_to(p_email text, p_name text, p_kind text, p_dedupe_key text, p_data jsonb default '{}'::jsonb, p_user_id uuid default NULL::uuid, p_ticket_id uuid default NULL::uuid, p_notification_id uuid default NULL::uuid, p_status text default 'pending'::text)
returns bigint language plpgsql security definer set search_path = ''
as $function$
declare
  v_email text := lower(btrim(p_email));
  v_id bigint;
begin
  if not app.is_mail_address(v_email)
     or exists (select 1 from app.mail_suppressions s where s.email = v_email) then
    return null;
  end if;
  insert into app.mail_outbox (dedupe_key, kind, user_id, to_email, to_name, ticket_id, notification_id, data, status)
  values (left(p_dedupe_key, 300), p_kind, p_user_id, v_email,
          case when app.looks_like_email(p_name) then '' else app.header_text(p_name, 200) end,
          p_ticket_id, p_notification_id, coalesce(p_data, '{}'), p_status)
  on conflict (dedupe_key) do nothing
  returning id into v_id;
  return v_id;
end $function$;

comment on function app.enqueue_mail_to(text,text,text,text,jsonb,uuid,uuid,uuid,text) is 'Insert one outbox row to an address (checked, not suppressed); ignored for a repeated dedupe key. Returns its id or null.';

revoke all on function app.enqueue_mail_to(text,text,text,text,jsonb,uuid,uuid,uuid,text) from public, anon, authenticated, service_role;
