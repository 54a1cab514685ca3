/**
 * Which ticket statuses belong together, defined once. The open statuses, the ones waiting on the
 * customer and the ones a customer may cancel from were each written as a literal list inside the
 * functions that needed them; these functions are now the only lists, and every SQL rule asks them.
 * The app's groupings (src/lib/ticket-status.ts) are checked against them for every value of the enum
 * by supabase/tests/17-ticket-event-vocabulary.test.ts.
 *
 * Immutable SQL functions, so a query that uses one in a WHERE clause gets it inlined.
 */

/** Open = still being worked on or waiting; closed = resolved, declined or canceled. */
create or replace function app.is_open(p_status public.ticket_status) returns boolean
language sql immutable set search_path = '' as $$
  select p_status in ('new', 'awaiting_confirmation', 'awaiting_credits', 'in_progress')
$$;
revoke execute on function app.is_open(public.ticket_status) from public;

/**
 * Priced but not charged: the ticket waits for the customer to confirm the quote or to add credits.
 * Staff do not answer such a ticket (docs/design.md §1.5) until it is charged.
 */
create function app.is_waiting_on_customer(p_status public.ticket_status) returns boolean
language sql immutable set search_path = '' as $$
  select p_status in ('awaiting_confirmation', 'awaiting_credits')
$$;
revoke execute on function app.is_waiting_on_customer(public.ticket_status) from public;

/** Where the customer may still withdraw a ticket: before an engineer works on it (if nothing was charged). */
create function app.is_cancelable(p_status public.ticket_status) returns boolean
language sql immutable set search_path = '' as $$
  select p_status = 'new' or app.is_waiting_on_customer(p_status)
$$;
revoke execute on function app.is_cancelable(public.ticket_status) from public;

/** The customer withdraws a ticket; only before anything was charged for it. */
create or replace function public.cancel_ticket(p_ticket_id uuid) returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_uid uuid := app.require_user();
  v_ticket public.tickets := app.lock_member_ticket(p_ticket_id, v_uid);
begin
  if not app.is_cancelable(v_ticket.status) then
    perform app.raise_error('invalid_state', format('Ticket #%s is %s and can no longer be canceled.',
      v_ticket.number, replace(v_ticket.status::text, '_', ' ')));
  end if;
  if v_ticket.charged_credits > 0 then
    perform app.raise_error('invalid_state', format(
      'Ticket #%s was already charged %s credits; decline the new quote or ask the engineer instead.',
      v_ticket.number, v_ticket.charged_credits));
  end if;
  update public.tickets set status = 'canceled', closed_at = now() where id = v_ticket.id returning * into v_ticket;
  perform app.log_event(v_ticket, v_uid, 'canceled', '{}');
  return v_ticket;
end $$;
comment on function public.cancel_ticket(uuid) is 'Customer: withdraw a ticket that has not been charged, while app.is_cancelable(status): new, or waiting on the customer.';
revoke execute on function public.cancel_ticket(uuid) from public, anon;
grant execute on function public.cancel_ticket(uuid) to authenticated;

/**
 * Adds a message to a ticket. Customers write on their open tickets; staff write on any ticket except
 * that they do not answer one waiting for confirmation or credits, and only staff may write internal
 * notes. A staff reply the customer can see notifies them (answered).
 */
create or replace function public.post_message(p_ticket_id uuid, p_body text, p_internal boolean default false)
returns public.ticket_messages
language plpgsql security definer set search_path = '' as $$
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
end $$;
comment on function public.post_message(uuid, text, boolean) is 'Post a message (body 1–20000). Internal notes: staff only. Customers: own open tickets only.';
revoke execute on function public.post_message(uuid, text, boolean) from public, anon;
grant execute on function public.post_message(uuid, text, boolean) to authenticated;
