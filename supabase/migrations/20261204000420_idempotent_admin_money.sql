/**
 * Section - Idempotency keys on the staff calls that move money
 * Why: an admin's credit adjustment was applied twice on a double click (two ledger rows), and a refund
 * could be too: each call made a fresh ledger key. Both now take the caller's idempotency key (required,
 * one per intended action): the ledger transfer is keyed by it, and a repeated call with the same key
 * returns the first result and changes nothing (app.idempotent_result, migration 000250).
 */

drop function public.adjust_credits(uuid, integer, text);

/**
 * An admin corrects a customer's balance by ±p_amount with a note saying why (the statement shows it).
 * A negative adjustment cannot take the balance below zero, a positive one not above the maximum
 * balance, and a positive one charges waiting tickets.
 */
create function public.adjust_credits(p_account_id uuid, p_amount integer, p_note text, p_idempotency_key text)
returns public.credit_transfers
language plpgsql security definer set search_path = '' as $$
declare
  v_uid uuid := app.require_admin();
  v_prior jsonb;
  v_note text := app.clean_text(p_note, 'The note', 3, 500);
  v_transfer public.credit_transfers;
begin
  if p_idempotency_key is null then
    perform app.raise_error('invalid_input', 'Give an idempotency key (a fresh UUID per adjustment), so a repeated request is applied once.');
  end if;
  v_prior := app.idempotent_result(p_idempotency_key, v_uid, 'adjust_credits');
  if v_prior is not null then
    return jsonb_populate_record(null::public.credit_transfers, v_prior);
  end if;
  if p_amount is null or p_amount = 0 or abs(p_amount) > 1000000 then
    perform app.raise_error('invalid_input', 'Adjust by a non-zero number of credits up to 1000000 either way.');
  end if;
  if p_account_id is null or not exists (
    select 1 from public.accounts a where a.id = p_account_id and a.system_code is null
  ) then
    perform app.raise_error('not_found', 'There is no such customer account.');
  end if;

  if p_amount > 0 then
    perform 1 from public.tickets t
    where t.account_id = p_account_id and t.status = 'awaiting_credits'
    order by t.created_at, t.number
    for no key update;
    v_transfer := app.transfer(app.system_account_id('adjustments'), p_account_id, p_amount, 'adjustment',
      format('adjustment:%s', p_idempotency_key), v_uid, v_note);
    perform app.notify_account(p_account_id, 'credits_added', format('%s credits added', p_amount), v_note,
      jsonb_build_object('credits', p_amount, 'transfer_id', v_transfer.id));
    perform app.charge_awaiting_tickets(p_account_id);
  else
    v_transfer := app.transfer(p_account_id, app.system_account_id('adjustments'), -p_amount, 'adjustment',
      format('adjustment:%s', p_idempotency_key), v_uid, v_note);
  end if;
  perform app.remember_result(p_idempotency_key, v_uid, 'adjust_credits', to_jsonb(v_transfer));
  return v_transfer;
end $$;
comment on function public.adjust_credits(uuid, integer, text, text) is 'Admin: add (+) or remove (−) credits with a note (3–500) and an idempotency key; cannot overdraw or exceed the maximum balance. A repeated key returns the first transfer.';
revoke execute on function public.adjust_credits(uuid, integer, text, text) from public, anon;
grant execute on function public.adjust_credits(uuid, integer, text, text) to authenticated;

drop function public.refund_ticket(uuid, integer, text);

/** Staff give back part or all of a ticket's charge, with a reason and an idempotency key; the credits pay waiting tickets. */
create function public.refund_ticket(p_ticket_id uuid, p_credits integer, p_reason text, p_idempotency_key text)
returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_uid uuid := app.require_staff();
  v_prior jsonb;
  v_reason text := app.clean_text(p_reason, 'The reason', 3, 2000);
  v_ticket public.tickets;
begin
  if p_idempotency_key is null then
    perform app.raise_error('invalid_input', 'Give an idempotency key (a fresh UUID per refund), so a repeated request is applied once.');
  end if;
  v_prior := app.idempotent_result(p_idempotency_key, v_uid, 'refund_ticket');
  if v_prior is not null then
    return jsonb_populate_record(null::public.tickets, v_prior);
  end if;
  v_ticket := app.lock_ticket(p_ticket_id);
  if v_ticket.charged_credits = 0 then
    perform app.raise_error('invalid_state', format('Nothing was charged for ticket #%s.', v_ticket.number));
  end if;
  if p_credits is null or p_credits < 1 or p_credits > v_ticket.charged_credits then
    perform app.raise_error('invalid_input', format('Refund between 1 and %s credits.', v_ticket.charged_credits));
  end if;
  v_ticket := app.refund_ticket_credits(v_ticket, p_credits, v_uid, v_reason);
  perform app.charge_awaiting_tickets(v_ticket.account_id, v_ticket.id);
  perform app.remember_result(p_idempotency_key, v_uid, 'refund_ticket', to_jsonb(v_ticket));
  return v_ticket;
end $$;
comment on function public.refund_ticket(uuid, integer, text, text) is 'Staff: refund 1..charged_credits credits of a ticket (reason 3–2000) with an idempotency key; a repeated key returns the first result.';
revoke execute on function public.refund_ticket(uuid, integer, text, text) from public, anon;
grant execute on function public.refund_ticket(uuid, integer, text, text) to authenticated;
