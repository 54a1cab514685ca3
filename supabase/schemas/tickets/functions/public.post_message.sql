-- Staff do not answer a ticket waiting for confirmation or credits (docs/design.md §1.5: not answered until
-- it is charged), but may leave internal notes on it. A staff reply the customer can see notifies them.
create or replace function public.post_message(p_ticket_id uuid, p_body text, p_internal boolean default false)
returns public.ticket_messages language plpgsql security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_user();
  v_staff boolean := app.is_staff();
  v_body text := app.clean_body(p_body);
  v_ticket public.tickets;
  v_message public.ticket_messages;
begin
  if p_internal is null then
    perform app.raise_error('invalid_input', 'Say whether the message is an internal note.');
  end if;
  if p_internal and not v_staff then
    perform app.raise_error('forbidden', 'Only support engineers can write internal notes.');
  end if;
  if v_staff then
    v_ticket := app.lock_ticket(p_ticket_id);
    -- docs/design.md §1.5: an assessed ticket is not answered until it is paid for. Internal notes are fine, and
    -- so are questions on a new ticket (the engineer may need them to assess it).
    if not p_internal and app.is_waiting_on_customer(v_ticket.status) then
      perform app.raise_error('invalid_state', format(
        'Ticket #%s is %s: it is answered once it is charged. Write an internal note, or reassess it with a reason.',
        v_ticket.number, replace(v_ticket.status::text, '_', ' ')));
    end if;
  else
    v_ticket := app.lock_member_ticket(p_ticket_id, v_uid);
    if not app.is_open(v_ticket.status) then
      perform app.raise_error('invalid_state', format('Ticket #%s is closed; open a new ticket for a new question.', v_ticket.number));
    end if;
  end if;

  insert into public.ticket_messages (ticket_id, account_id, author_id, author_name, from_staff, body, internal)
  values (v_ticket.id, v_ticket.account_id, v_uid, app.display_name(v_uid), v_staff, v_body, p_internal)
  returning * into v_message;
  update public.tickets set updated_at = now() where id = v_ticket.id;

  if v_staff and not p_internal and v_ticket.created_by is distinct from v_uid then
    perform app.notify(v_ticket.created_by, 'answered',
      format('New reply on ticket #%s', v_ticket.number),
      format('%s replied to "%s".', app.display_name(v_uid), v_ticket.subject),
      v_ticket.id, jsonb_build_object('message_id', v_message.id));
  end if;
  return v_message;
end $function$;

comment on function public.post_message(uuid,text,boolean) is 'Post a message (body 1–20000). Internal notes: staff only. Customers: own open tickets only.';

revoke all on function public.post_message(uuid,text,boolean) from public, anon, authenticated, service_role;
grant execute on function public.post_message(uuid,text,boolean) to authenticated;
