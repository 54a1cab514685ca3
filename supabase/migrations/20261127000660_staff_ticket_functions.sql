/**
 * Section - Ticket functions for staff (the API)
 * assess_ticket, reassess_ticket, split_ticket, resolve_ticket, assign_ticket, refund_ticket: engineers
 * and admins only. Each checks the caller and the ticket's state, locks the ticket, and returns a row.
 */

/**
 * The engineer puts a new ticket in a category. The price follows the category (code_modification: the
 * engineer's proposal ≥ its minimum; upgrade: the ticket's versions); then the consent rules decide —
 * charge now, wait for credits, or wait for the customer's confirmation.
 */
create function public.assess_ticket(
  p_ticket_id uuid, p_category text, p_credits integer default null, p_note text default null
) returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_uid uuid := app.require_staff();
  v_note text := case when nullif(btrim(p_note), '') is null then null else app.clean_text(p_note, 'The note', 1, 2000) end;
  v_category public.ticket_categories := app.category(p_category);
  v_ticket public.tickets := app.lock_ticket(p_ticket_id);
  v_price integer;
begin
  if v_ticket.status <> 'new' then
    perform app.raise_error('invalid_state', format('Ticket #%s is already assessed; reassess it instead.', v_ticket.number));
  end if;
  v_price := app.price_for(v_category, p_credits, v_ticket.upgrade_from, v_ticket.upgrade_to);
  update public.tickets
  set category = v_category.code, quoted_credits = v_price, assessed_at = now(),
      assignee_id = coalesce(assignee_id, v_uid)
  where id = v_ticket.id
  returning * into v_ticket;
  perform app.log_event(v_ticket, v_uid, 'assessed', jsonb_build_object(
    'category', v_category.code, 'level', v_category.level, 'credits', v_price, 'note', v_note));
  return app.apply_quote(v_ticket.id, v_uid);
end $$;
comment on function public.assess_ticket(uuid, text, integer, text) is 'Staff: categorize a new ticket and apply the consent rules (charge, awaiting_credits or awaiting_confirmation).';
revoke execute on function public.assess_ticket(uuid, text, integer, text) from public, anon;
grant execute on function public.assess_ticket(uuid, text, integer, text) to authenticated;

/**
 * The engineer changes an assessed ticket's category or price, with a reason the customer sees. Less
 * than already charged refunds the difference at once; more is charged at once for pre-approved tickets
 * (except price-agreed categories), otherwise the customer confirms the new price first.
 */
create function public.reassess_ticket(
  p_ticket_id uuid, p_category text, p_credits integer default null, p_reason text default null
) returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_uid uuid := app.require_staff();
  v_reason text := app.clean_text(p_reason, 'The reason', 3, 2000);
  v_category public.ticket_categories := app.category(p_category);
  v_ticket public.tickets := app.lock_ticket(p_ticket_id);
  v_before public.tickets;
  v_price integer;
begin
  if v_ticket.status = 'new' then
    perform app.raise_error('invalid_state', format('Ticket #%s is not assessed yet; assess it first.', v_ticket.number));
  end if;
  if not app.is_open(v_ticket.status) then
    perform app.raise_error('invalid_state', format('Ticket #%s is closed.', v_ticket.number));
  end if;
  v_price := app.price_for(v_category, p_credits, v_ticket.upgrade_from, v_ticket.upgrade_to);
  if v_category.code = v_ticket.category and v_price = v_ticket.quoted_credits then
    perform app.raise_error('invalid_input', format('Ticket #%s is already %s for %s credits.', v_ticket.number, v_category.name, v_price));
  end if;
  v_before := v_ticket;
  update public.tickets set category = v_category.code, quoted_credits = v_price where id = v_ticket.id
  returning * into v_ticket;
  perform app.log_event(v_ticket, v_uid, 'reassessed', jsonb_build_object(
    'from_category', v_before.category, 'to_category', v_category.code,
    'from_credits', v_before.quoted_credits, 'to_credits', v_price, 'reason', v_reason));
  return app.apply_quote(v_ticket.id, v_uid);
end $$;
comment on function public.reassess_ticket(uuid, text, integer, text) is 'Staff: re-categorize an assessed open ticket (reason 3–2000); refunds or charges the difference, or asks the customer to confirm.';
revoke execute on function public.reassess_ticket(uuid, text, integer, text) from public, anon;
grant execute on function public.reassess_ticket(uuid, text, integer, text) to authenticated;

/** A question outside the ticket's theme becomes its own ticket (new, same account and consent), assessed on its own. Returns the new ticket. */
create function public.split_ticket(p_ticket_id uuid, p_subject text, p_body text) returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_uid uuid := app.require_staff();
  v_subject text := app.clean_text(p_subject, 'The subject', 3, 200);
  v_body text := app.clean_body(p_body, 'The description');
  v_parent public.tickets := app.lock_ticket(p_ticket_id);
  v_child public.tickets;
begin
  if not app.is_open(v_parent.status) then
    perform app.raise_error('invalid_state', format('Ticket #%s is closed.', v_parent.number));
  end if;
  insert into public.tickets (account_id, created_by, subject, body, pre_approved, parent_id)
  values (v_parent.account_id, v_parent.created_by, v_subject, v_body, v_parent.pre_approved, v_parent.id)
  returning * into v_child;
  update public.tickets set updated_at = now() where id = v_parent.id;
  perform app.log_event(v_parent, v_uid, 'split', jsonb_build_object(
    'child_id', v_child.id, 'child_number', v_child.number, 'subject', v_subject));
  perform app.log_event(v_child, v_uid, 'created', jsonb_build_object(
    'pre_approved', v_child.pre_approved, 'split_from_id', v_parent.id, 'split_from_number', v_parent.number));
  perform app.notify(v_parent.created_by, 'split',
    format('Ticket #%s was split: new ticket #%s', v_parent.number, v_child.number),
    format('"%s" is a separate issue, so it now has its own ticket #%s and will be assessed on its own.', v_subject, v_child.number),
    v_child.id, jsonb_build_object('parent_id', v_parent.id, 'parent_number', v_parent.number, 'child_number', v_child.number));
  return v_child;
end $$;
comment on function public.split_ticket(uuid, text, text) is 'Staff: split a separate question off an open ticket into a new ticket; returns the new ticket.';
revoke execute on function public.split_ticket(uuid, text, text) from public, anon;
grant execute on function public.split_ticket(uuid, text, text) to authenticated;

/** The engineer closes an open ticket as answered. Nothing more is charged (a pending quote or charge is dropped). */
create function public.resolve_ticket(p_ticket_id uuid) returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_uid uuid := app.require_staff();
  v_ticket public.tickets := app.lock_ticket(p_ticket_id);
  v_from public.ticket_status := v_ticket.status;
begin
  if not app.is_open(v_ticket.status) then
    perform app.raise_error('invalid_state', format('Ticket #%s is already closed.', v_ticket.number));
  end if;
  update public.tickets set status = 'resolved', resolved_at = now() where id = v_ticket.id returning * into v_ticket;
  perform app.log_event(v_ticket, v_uid, 'resolved', jsonb_build_object(
    'from_status', v_from, 'charged_credits', v_ticket.charged_credits));
  perform app.notify(v_ticket.created_by, 'resolved',
    format('Ticket #%s is resolved', v_ticket.number),
    format('"%s" is resolved. Open a new ticket if you need anything else.', v_ticket.subject),
    v_ticket.id, jsonb_build_object('charged_credits', v_ticket.charged_credits));
  return v_ticket;
end $$;
comment on function public.resolve_ticket(uuid) is 'Staff: resolve an open ticket.';
revoke execute on function public.resolve_ticket(uuid) from public, anon;
grant execute on function public.resolve_ticket(uuid) to authenticated;

/** Gives a ticket to an engineer or admin (null unassigns). Recorded as an internal event. */
create function public.assign_ticket(p_ticket_id uuid, p_assignee_id uuid) returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_uid uuid := app.require_staff();
  v_ticket public.tickets := app.lock_ticket(p_ticket_id);
begin
  if p_assignee_id is not null and not exists (
    select 1 from public.profiles p where p.id = p_assignee_id and p.role in ('engineer', 'admin')
  ) then
    perform app.raise_error('invalid_input', 'Tickets can only be assigned to support engineers.');
  end if;
  if v_ticket.assignee_id is not distinct from p_assignee_id then
    return v_ticket;
  end if;
  update public.tickets set assignee_id = p_assignee_id where id = v_ticket.id returning * into v_ticket;
  perform app.log_event(v_ticket, v_uid, 'assigned', jsonb_build_object(
    'assignee_id', p_assignee_id, 'assignee_name', app.display_name(p_assignee_id)), true);
  return v_ticket;
end $$;
comment on function public.assign_ticket(uuid, uuid) is 'Staff: assign a ticket to a staff member (null = unassign).';
revoke execute on function public.assign_ticket(uuid, uuid) from public, anon;
grant execute on function public.assign_ticket(uuid, uuid) to authenticated;

/** Gives back some or all of what a ticket was charged, with a reason the customer sees. */
create function public.refund_ticket(p_ticket_id uuid, p_credits integer, p_reason text) returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_uid uuid := app.require_staff();
  v_reason text := app.clean_text(p_reason, 'The reason', 3, 2000);
  v_ticket public.tickets := app.lock_ticket(p_ticket_id);
begin
  if v_ticket.charged_credits = 0 then
    perform app.raise_error('invalid_state', format('Nothing was charged for ticket #%s.', v_ticket.number));
  end if;
  if p_credits is null or p_credits < 1 or p_credits > v_ticket.charged_credits then
    perform app.raise_error('invalid_input', format('Refund between 1 and %s credits.', v_ticket.charged_credits));
  end if;
  v_ticket := app.refund_ticket_credits(v_ticket.id, p_credits, v_uid, v_reason);
  perform app.charge_awaiting_tickets(v_ticket.account_id, v_ticket.id);
  return v_ticket;
end $$;
comment on function public.refund_ticket(uuid, integer, text) is 'Staff: refund 1..charged_credits credits of a ticket (reason 3–2000).';
revoke execute on function public.refund_ticket(uuid, integer, text) from public, anon;
grant execute on function public.refund_ticket(uuid, integer, text) to authenticated;
