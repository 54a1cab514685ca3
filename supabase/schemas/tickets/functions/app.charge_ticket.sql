-- Never raises insufficient_credits: a ticket the balance cannot cover waits for credits, which is the
-- policy (docs/design.md §1.6). Every charge on an account queues on its lock, so the work done while
-- holding it is kept small: when an unlocked look at the balance says it covers the charge (p_optimistic),
-- the ticket's bookkeeping is written first and the account is locked only for the transfer; if another
-- charge took the credits in between, the transfer's insufficient_credits rolls that back and the decision
-- is made again under the lock. Callers that already hold the account lock pass p_optimistic = false. The
-- charge is the customer's debit, so it also sends the low-balance notice.
create or replace function app.charge_ticket(p_ticket public.tickets, p_amount integer, p_actor uuid, p_optimistic boolean default true)
returns public.tickets language plpgsql security definer set search_path = ''
as $function$
declare
  v_ticket public.tickets;
  v_balance integer;
  v_key text;
  v_transfer public.credit_transfers;
  v_transfer_id uuid := gen_random_uuid();
  v_consumed uuid := app.system_account_id('consumed');
  v_for app.transfer_reference := row(null, p_ticket.id)::app.transfer_reference;
begin
  -- The ticket is locked by the caller, so its charge count (and so the idempotency key) is stable.
  select format('ticket:%s:charge:%s', p_ticket.id, count(*) + 1) into v_key
  from public.credit_transfers ct where ct.ticket_id = p_ticket.id and ct.kind = 'ticket_charge';

  if p_optimistic then
    select a.balance into v_balance from public.accounts a where a.id = p_ticket.account_id;
    if v_balance >= p_amount then
      begin
        v_ticket := app.record_charge(p_ticket, p_amount, p_actor, v_transfer_id);
        v_transfer := app.transfer(p_ticket.account_id, v_consumed, p_amount, 'ticket_charge', v_key, p_actor,
          p_note => format('Ticket #%s', p_ticket.number), p_reference => v_for, p_id => v_transfer_id);
        perform app.notify_low_balance(v_transfer);
        return v_ticket;
      exception when sqlstate 'PT402' then
        null; -- drained by a concurrent charge: decide again under the lock, from the row as given
      end;
    end if;
  end if;

  v_balance := (app.lock_account(p_ticket.account_id)).balance;
  if v_balance < p_amount then
    v_ticket := p_ticket;
    v_ticket.status := 'awaiting_credits';
    v_ticket := app.save_ticket(v_ticket);
    perform app.log_event(v_ticket, p_actor, 'awaiting_credits',
      jsonb_build_object('credits', p_amount, 'balance', v_balance, 'missing', p_amount - v_balance));
    perform app.notify_credits_needed(v_ticket, p_amount, v_balance);
    return v_ticket;
  end if;

  v_transfer := app.transfer(p_ticket.account_id, v_consumed, p_amount, 'ticket_charge', v_key, p_actor,
    p_note => format('Ticket #%s', p_ticket.number), p_reference => v_for, p_id => v_transfer_id);
  perform app.notify_low_balance(v_transfer);
  return app.record_charge(p_ticket, p_amount, p_actor, v_transfer_id);
end $function$;

revoke all on function app.charge_ticket(public.tickets,integer,uuid,boolean) from public, anon, authenticated, service_role;
