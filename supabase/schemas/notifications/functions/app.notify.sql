-- A null recipient is a no-op, not an error: a ticket whose author was deleted has nobody to tell, and the
-- action it reports must still go through.
create or replace function app.notify(p_user_id uuid, p_kind text, p_title text, p_body text, p_ticket_id uuid default NULL::uuid, p_data jsonb default '{}'::jsonb)
returns void language plpgsql security definer set search_path = ''
as $function$
begin
  if p_user_id is not null then
    insert into public.notifications (user_id, kind, title, body, ticket_id, data)
    values (p_user_id, p_kind, p_title, p_body, p_ticket_id, coalesce(p_data, '{}'));
  end if;
end $function$;

comment on function app.notify(uuid,text,text,text,uuid,jsonb) is 'Insert a notification for one user.';

revoke all on function app.notify(uuid,text,text,text,uuid,jsonb) from public, anon, authenticated, service_role;
