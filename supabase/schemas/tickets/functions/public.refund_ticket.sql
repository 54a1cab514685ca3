-- The idempotency key is required: each refund gets a fresh ledger key (ticket:<id>:refund:<n>), so without
-- it a double click would refund twice. A repeated key returns the first result (app.idempotent_result); the
-- credits given back pay tickets waiting for credits.
create or replace function public.refund_ticket(p_ticket_id uuid, p_credits integer, p_reason text, p_idempotency_key text)
returns public.tickets language plpgsql security definer set search_path = ''
as $function$
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
    perform app.raise_error('invalid_input', format('Refund between 1 and %s.', app.credits_text(v_ticket.charged_credits)));
  end if;
  v_ticket := app.refund_ticket_credits(v_ticket, p_credits, v_uid, v_reason);
  perform app.charge_awaiting_tickets(v_ticket.account_id, v_ticket.id);
  perform app.remember_result(p_idempotency_key, v_uid, 'refund_ticket', to_jsonb(v_ticket));
  return v_ticket;
end $function$;

comment on function public.refund_ticket(uuid,integer,text,text) is 'Staff: refund 1..charged_credits credits of a ticket (reason 3–2000) with an idempotency key; a repeated key returns the first result.';

revoke all on function public.refund_ticket(uuid,integer,text,text) from public, anon, authenticated, service_role;
grant execute on function public.refund_ticket(uuid,integer,text,text) to authenticated;
