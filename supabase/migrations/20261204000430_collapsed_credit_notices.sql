/**
 * Section - One notice for the tickets waiting for credits
 * Why: every ticket that went to awaiting_credits sent its own "needs N more credits" notice, so a
 * customer whose balance ran out while several tickets were assessed found dozens of near-identical
 * notices (on top of the low-balance one). The waiting tickets now share one unread notice that lists
 * them all and says how many credits cover them; it is rewritten, not repeated, while it is unread. A
 * single waiting ticket keeps its own wording and link. (The low-balance notice is sent once per
 * downward crossing of the threshold, by app.transfer.)
 */

/**
 * Tells the author of a ticket that just went to awaiting_credits what is waiting: that ticket alone, or
 * all of their tickets on the account waiting for credits, in one notice. Runs under the account lock
 * (app.charge_ticket), so two waiting tickets of one account never write it at the same time.
 */
create function app.notify_credits_needed(p_ticket public.tickets, p_amount integer, p_balance integer) returns void
language plpgsql security definer set search_path = '' as $$
declare
  v_waiting jsonb;
  v_count integer;
  v_due bigint;
  v_title text;
  v_body text;
  v_data jsonb;
  v_ticket_id uuid;
  v_notice uuid;
begin
  if p_ticket.created_by is null then
    return;
  end if;
  select coalesce(jsonb_agg(jsonb_build_object(
           'ticket_id', t.id, 'number', t.number, 'subject', t.subject, 'credits', t.quoted_credits - t.charged_credits)
           order by t.created_at, t.number), '[]'),
         count(*), coalesce(sum(t.quoted_credits - t.charged_credits), 0)
  into v_waiting, v_count, v_due
  from public.tickets t
  where t.account_id = p_ticket.account_id and t.created_by = p_ticket.created_by and t.status = 'awaiting_credits';

  if v_count <= 1 then
    v_title := format('Ticket #%s needs %s more credits', p_ticket.number, p_amount - p_balance);
    v_body := format('Ticket #%s costs %s credits and your balance is %s. Add %s credits and it will be charged automatically.',
      p_ticket.number, p_amount, p_balance, p_amount - p_balance);
    v_data := jsonb_build_object('credits', p_amount, 'balance', p_balance, 'missing', p_amount - p_balance);
    v_ticket_id := p_ticket.id;
  else
    v_title := format('%s tickets need %s more credits', v_count, greatest(v_due - p_balance, 1));
    v_body := format('Waiting for credits: %s%s. Together they cost %s credits and your balance is %s. Add %s credits and they will be charged automatically, oldest first.',
      (select string_agg(format('#%s "%s" (%s credits)', w.value->>'number', w.value->>'subject', w.value->>'credits'), ', ' order by w.n)
         from jsonb_array_elements(v_waiting) with ordinality w(value, n) where w.n <= 10),
      case when v_count > 10 then format(' and %s more', v_count - 10) else '' end,
      v_due, p_balance, greatest(v_due - p_balance, 1));
    v_data := jsonb_build_object('tickets', v_waiting, 'credits', v_due, 'balance', p_balance, 'missing', greatest(v_due - p_balance, 1));
    v_ticket_id := null;
  end if;

  select n.id into v_notice from public.notifications n
  where n.user_id = p_ticket.created_by and n.kind = 'credits_needed' and n.read_at is null
  order by n.created_at desc
  limit 1
  for update;
  if v_notice is null then
    perform app.notify(p_ticket.created_by, 'credits_needed', v_title, left(v_body, 4000), v_ticket_id, v_data);
  else
    update public.notifications
    set title = v_title, body = left(v_body, 4000), data = v_data, ticket_id = v_ticket_id, created_at = clock_timestamp()
    where id = v_notice;
  end if;
end $$;
comment on function app.notify_credits_needed(public.tickets, integer, integer) is 'One unread credits_needed notice per person, listing their tickets waiting for credits.';
revoke execute on function app.notify_credits_needed(public.tickets, integer, integer) from public;

/** As migration 001200's app.charge_ticket; a ticket that must wait now goes through app.notify_credits_needed. */
create or replace function app.charge_ticket(p_ticket public.tickets, p_amount integer, p_actor uuid, p_optimistic boolean default true)
returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_ticket public.tickets;
  v_balance integer;
  v_key text;
  v_transfer_id uuid := gen_random_uuid();
  v_consumed uuid := app.system_account_id('consumed');
begin
  -- The ticket is locked by the caller, so its charge count (and so the idempotency key) is stable.
  select format('ticket:%s:charge:%s', p_ticket.id, count(*) + 1) into v_key
  from public.credit_transfers ct where ct.ticket_id = p_ticket.id and ct.kind = 'ticket_charge';

  if p_optimistic then
    select a.balance into v_balance from public.accounts a where a.id = p_ticket.account_id;
    if v_balance >= p_amount then
      begin
        v_ticket := app.record_charge(p_ticket, p_amount, p_actor, v_transfer_id);
        perform app.transfer(p_ticket.account_id, v_consumed, p_amount, 'ticket_charge', v_key, p_actor,
          format('Ticket #%s', p_ticket.number), null, p_ticket.id, v_transfer_id);
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

  perform app.transfer(p_ticket.account_id, v_consumed, p_amount, 'ticket_charge', v_key, p_actor,
    format('Ticket #%s', p_ticket.number), null, p_ticket.id, v_transfer_id);
  return app.record_charge(p_ticket, p_amount, p_actor, v_transfer_id);
end $$;
