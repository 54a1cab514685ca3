-- The shape the send-mail function renders from (one claimed row). Tokens are made here, on first need,
-- rather than at enqueue, so a mail that is never sent leaves no token behind. The ticket's subject goes
-- through app.header_text: customers write it, and it becomes the mail's Subject.
create or replace function app.mail_message(p_row app.mail_outbox)
returns jsonb language plpgsql security definer set search_path = ''
as $function$
declare
  v_kind app.mail_kinds;
  v_ticket public.tickets;
begin
  select * into v_kind from app.mail_kinds k where k.kind = p_row.kind;
  if p_row.ticket_id is not null then
    select * into v_ticket from public.tickets t where t.id = p_row.ticket_id;
  end if;
  return jsonb_build_object(
    'id', p_row.id,
    'dedupe_key', p_row.dedupe_key,
    'kind', p_row.kind,
    'attempt', p_row.attempts,
    'to', jsonb_build_object('email', p_row.to_email, 'name', p_row.to_name),
    'optional', v_kind.optional,
    'data', p_row.data,
    'ticket', case when v_ticket.id is null then null
              else jsonb_build_object('id', v_ticket.id, 'number', v_ticket.number, 'subject', app.header_text(v_ticket.subject, 200)) end,
    'reply_token', case when v_ticket.id is null then null else app.mail_token('reply', p_row.user_id, v_ticket.id) end,
    'unsubscribe_token', app.mail_token('unsubscribe', p_row.user_id),
    'items', case when p_row.kind <> 'digest' then null else (
      select coalesce(jsonb_agg(jsonb_build_object(
               'kind', i.kind, 'data', i.data, 'created_at', i.created_at,
               'ticket', case when t.id is null then null
                         else jsonb_build_object('id', t.id, 'number', t.number, 'subject', app.header_text(t.subject, 200)) end)
             order by i.created_at, i.id), '[]'::jsonb)
      from app.mail_outbox i left join public.tickets t on t.id = i.ticket_id
      where i.digest_id = p_row.id) end
  );
end $function$;

comment on function app.mail_message(app.mail_outbox) is 'One outbox row as the send-mail function receives it (recipient, data, ticket, reply and unsubscribe tokens, digest items).';

revoke all on function app.mail_message(app.mail_outbox) from public, anon, authenticated, service_role;
