/**
 * Section - Ticket functions for customers (the API)
 * create_ticket, confirm_quote, decline_quote, cancel_ticket, post_message (staff use it too).
 * Each checks the caller and the ticket's state, locks the ticket, and returns the updated row.
 */

/** Validates a Markdown body: some non-blank text, at most 20000 characters; kept as written. */
create function app.clean_body(p_body text, p_field text default 'The message') returns text
language plpgsql stable set search_path = '' as $$
begin
  if p_body is null or length(btrim(p_body)) = 0 or length(p_body) > 20000 then
    perform app.raise_error('invalid_input', format('%s must be between 1 and 20000 characters.', p_field));
  end if;
  return p_body;
end $$;
revoke execute on function app.clean_body(text, text) from public;

/** Open = still being worked on or waiting; closed = resolved, declined or canceled. */
create function app.is_open(p_status public.ticket_status) returns boolean
language plpgsql immutable set search_path = '' as $$
begin
  return p_status in ('new', 'awaiting_confirmation', 'awaiting_credits', 'in_progress');
end $$;
revoke execute on function app.is_open(public.ticket_status) from public;

/** Section - Customer functions */

/**
 * Opens a ticket on the caller's personal account (or an account they belong to). The customer chooses
 * pre-approval ("I agree in advance") or cost first; an upgrade ticket may name the versions so the
 * engineer's assessment is priced from the release list.
 */
create function public.create_ticket(
  p_subject text,
  p_body text,
  p_pre_approved boolean,
  p_upgrade_from text default null,
  p_upgrade_to text default null,
  p_account_id uuid default null
) returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_uid uuid := app.require_user();
  v_subject text := app.clean_text(p_subject, 'The subject', 3, 200);
  v_body text := app.clean_body(p_body, 'The description');
  v_from text := nullif(btrim(p_upgrade_from), '');
  v_to text := nullif(btrim(p_upgrade_to), '');
  v_account_id uuid := p_account_id;
  v_ticket public.tickets;
begin
  if p_pre_approved is null then
    perform app.raise_error('invalid_input', 'Choose "I agree in advance with the assessment" or "Tell me the cost first".');
  end if;
  if (v_from is null) <> (v_to is null) then
    perform app.raise_error('invalid_input', 'For an upgrade give both the current and the target version.');
  end if;
  if v_from is not null then
    perform public.upgrade_cost(v_from, v_to); -- unknown versions or a backwards upgrade: invalid_input
  end if;
  if v_account_id is null then
    v_account_id := app.personal_account_id(v_uid);
    if v_account_id is null then
      perform app.raise_error('invalid_state', 'You have no credit account.');
    end if;
  elsif not exists (select 1 from public.account_members m where m.account_id = v_account_id and m.user_id = v_uid) then
    perform app.raise_error('not_found', 'There is no such credit account.');
  end if;

  insert into public.tickets (account_id, created_by, subject, body, pre_approved, upgrade_from, upgrade_to)
  values (v_account_id, v_uid, v_subject, v_body, p_pre_approved, v_from, v_to)
  returning * into v_ticket;
  perform app.log_event(v_ticket, v_uid, 'created', jsonb_build_object(
    'pre_approved', p_pre_approved, 'upgrade_from', v_from, 'upgrade_to', v_to));
  return v_ticket;
end $$;
comment on function public.create_ticket(text, text, boolean, text, text, uuid) is 'Customer: open a ticket (subject 3–200, body 1–20000, pre_approved required; optional upgrade versions and account).';
revoke execute on function public.create_ticket(text, text, boolean, text, text, uuid) from public, anon;
grant execute on function public.create_ticket(text, text, boolean, text, text, uuid) to authenticated;

/** The customer accepts the quoted price: the (remaining) credits are charged now, or the ticket waits for credits. */
create function public.confirm_quote(p_ticket_id uuid) returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_uid uuid := app.require_user();
  v_ticket public.tickets := app.lock_member_ticket(p_ticket_id, v_uid);
begin
  if v_ticket.status <> 'awaiting_confirmation' then
    perform app.raise_error('invalid_state', format('Ticket #%s has no quote waiting for confirmation.', v_ticket.number));
  end if;
  perform app.log_event(v_ticket, v_uid, 'quote_confirmed', jsonb_build_object(
    'category', v_ticket.category, 'credits', v_ticket.quoted_credits));
  if v_ticket.quoted_credits <= v_ticket.charged_credits then
    update public.tickets set status = 'in_progress' where id = v_ticket.id returning * into v_ticket;
    return v_ticket;
  end if;
  return app.charge_ticket(v_ticket.id, v_ticket.quoted_credits - v_ticket.charged_credits, v_uid);
end $$;
comment on function public.confirm_quote(uuid) is 'Customer: accept the quote of an awaiting_confirmation ticket; charges it (or awaiting_credits).';
revoke execute on function public.confirm_quote(uuid) from public, anon;
grant execute on function public.confirm_quote(uuid) to authenticated;

/** The customer turns the quote down: the ticket closes as declined and keeps whatever was already charged. */
create function public.decline_quote(p_ticket_id uuid, p_reason text default null) returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_uid uuid := app.require_user();
  v_reason text := case when nullif(btrim(p_reason), '') is null then null
                        else app.clean_text(p_reason, 'The reason', 1, 2000) end;
  v_ticket public.tickets := app.lock_member_ticket(p_ticket_id, v_uid);
begin
  if v_ticket.status <> 'awaiting_confirmation' then
    perform app.raise_error('invalid_state', format('Ticket #%s has no quote waiting for confirmation.', v_ticket.number));
  end if;
  update public.tickets set status = 'declined', closed_at = now() where id = v_ticket.id returning * into v_ticket;
  perform app.log_event(v_ticket, v_uid, 'quote_declined', jsonb_build_object(
    'category', v_ticket.category, 'credits', v_ticket.quoted_credits, 'kept', v_ticket.charged_credits, 'reason', v_reason));
  return v_ticket;
end $$;
comment on function public.decline_quote(uuid, text) is 'Customer: decline the quote (optional reason ≤ 2000); the ticket is closed, earlier charges kept.';
revoke execute on function public.decline_quote(uuid, text) from public, anon;
grant execute on function public.decline_quote(uuid, text) to authenticated;

/** The customer withdraws a ticket; only before anything was charged for it. */
create function public.cancel_ticket(p_ticket_id uuid) returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_uid uuid := app.require_user();
  v_ticket public.tickets := app.lock_member_ticket(p_ticket_id, v_uid);
begin
  if v_ticket.status not in ('new', 'awaiting_confirmation', 'awaiting_credits') then
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
comment on function public.cancel_ticket(uuid) is 'Customer: withdraw a ticket that has not been charged (new, awaiting_confirmation, awaiting_credits).';
revoke execute on function public.cancel_ticket(uuid) from public, anon;
grant execute on function public.cancel_ticket(uuid) to authenticated;

/**
 * Adds a message to a ticket. Customers write on their open tickets; staff write on any ticket except
 * that they do not answer one waiting for confirmation or credits, and only staff may write internal
 * notes. A staff reply the customer can see notifies them (answered).
 */
create function public.post_message(p_ticket_id uuid, p_body text, p_internal boolean default false)
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
    if not p_internal and v_ticket.status in ('awaiting_confirmation', 'awaiting_credits') then
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
