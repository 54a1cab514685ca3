-- The rules of posting a message, for a caller known by id: public.post_message (the signed-in caller) and
-- public.service_role_reply_by_email (the person a reply address belongs to) both post through here, so a
-- reply by e-mail obeys exactly the rules of the portal.
-- Staff do not answer a ticket waiting for confirmation or credits (docs/design.md §1.5: not answered until
-- it is charged), but may leave internal notes on it. A staff reply the customer can see notifies them; a
-- customer's message notifies the assignee, or every engineer while nobody is assigned.
create or replace function app.post_message(p_user_id uuid, p_ticket_id uuid, p_body text, p_internal boolean default false)
returns public.ticket_messages language plpgsql security definer set search_path = ''
as $function$
declare
  v_uid uuid := p_user_id;
  -- The signed-in caller is staff only with a second factor (app.is_staff); a reply by e-mail, where the
  -- service role names the person, is proved by the reply address in their mailbox instead.
  v_staff boolean := case
    when p_user_id = (select auth.uid()) then app.is_staff()
    else coalesce((select p.role in ('engineer', 'admin') from public.profiles p where p.id = p_user_id), false)
  end;
  v_body text := app.clean_body(p_body);
  v_ticket public.tickets;
  v_message public.ticket_messages;
  v_author text;
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

  v_author := app.display_name(v_uid);
  insert into public.ticket_messages (ticket_id, account_id, author_id, author_name, from_staff, body, internal)
  values (v_ticket.id, v_ticket.account_id, v_uid, v_author, v_staff, v_body, p_internal)
  returning * into v_message;
  update public.tickets set updated_at = now() where id = v_ticket.id;

  if v_staff and not p_internal and v_ticket.created_by is distinct from v_uid then
    perform app.notify(v_ticket.created_by, 'answered',
      format('New reply on ticket #%s', v_ticket.number),
      format('%s replied to "%s".', v_author, v_ticket.subject),
      v_ticket.id, jsonb_build_object('message_id', v_message.id, 'author', v_author, 'message', left(v_body, 10000)));
  elsif not v_staff then
    if v_ticket.assignee_id is not null then
      perform app.notify(v_ticket.assignee_id, 'customer_replied',
        format('Customer replied on ticket #%s', v_ticket.number),
        format('%s wrote on "%s".', v_author, v_ticket.subject),
        v_ticket.id, jsonb_build_object('message_id', v_message.id, 'author', v_author, 'message', left(v_body, 10000)));
    else
      perform app.notify_staff(array['engineer']::public.app_role[], 'customer_replied',
        format('Customer replied on unassigned ticket #%s', v_ticket.number),
        format('%s wrote on "%s". Nobody is assigned to it yet.', v_author, v_ticket.subject),
        v_ticket.id, jsonb_build_object('message_id', v_message.id, 'author', v_author, 'message', left(v_body, 10000)));
    end if;
  end if;
  return v_message;
end $function$;

comment on function app.post_message(uuid,uuid,text,boolean) is 'Post a message as the given person under the rules of public.post_message, with its notices.';

revoke all on function app.post_message(uuid,uuid,text,boolean) from public, anon, authenticated, service_role;
