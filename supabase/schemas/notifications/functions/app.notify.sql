-- A null recipient is a no-op, not an error: a ticket whose author was deleted has nobody to tell, and the
-- action it reports must still go through. A kind that is also a mail kind enqueues that mail here, in the
-- same transaction, per the recipient's preference; the mail carries the notice's words (title, body) with
-- its data, and is keyed by the notice, so it is sent once per notice and recipient.
create or replace function app.notify(p_user_id uuid, p_kind text, p_title text, p_body text, p_ticket_id uuid default NULL::uuid, p_data jsonb default '{}'::jsonb)
returns void language plpgsql security definer set search_path = ''
as $function$
declare
  v_id uuid;
begin
  if p_user_id is not null then
    insert into public.notifications (user_id, kind, title, body, ticket_id, data)
    values (p_user_id, p_kind, p_title, p_body, p_ticket_id, coalesce(p_data, '{}'))
    returning id into v_id;
    perform app.enqueue_mail(p_user_id, p_kind, format('%s:%s:%s', p_kind, v_id, p_user_id), p_ticket_id, v_id,
      coalesce(p_data, '{}') || jsonb_build_object('title', app.header_text(p_title, 200), 'body', p_body));
  end if;
end $function$;

comment on function app.notify(uuid,text,text,text,uuid,jsonb) is 'Insert a notification for one user, and enqueue its mail when the kind is a mail kind.';

revoke all on function app.notify(uuid,text,text,text,uuid,jsonb) from public, anon, authenticated, service_role;
