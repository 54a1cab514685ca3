-- docs/design.md §4's invariants as one query, for the tests to run after every test file and at the end of
-- the run: each row is one violation, so an empty result means the ledger and the tickets agree. It also
-- checks what the schema leaves to the functions on purpose: the from/to accounts of a transfer (no foreign
-- keys, see accounts/tables/public.credit_transfers.sql) and the copied account of every audit event (see
-- tickets/tables/public.ticket_events.sql). No customer account may have gone below zero at any entry of its
-- history: going negative is a choice a caller of app.transfer may make for a system account only, so such an
-- entry means the ledger was written around app.transfer.
create or replace function app.check_invariants()
returns setof text language sql stable security definer set search_path = ''
as $function$
  select format('account %s: balance %s but entries sum to %s', a.id, a.balance, coalesce(e.total, 0))
  from public.accounts a
  left join (select account_id, sum(amount) as total from public.credit_entries group by account_id) e
    on e.account_id = a.id
  where a.system_code is null and a.balance <> coalesce(e.total, 0)
  union all
  select format('account %s: negative balance %s', a.id, a.balance)
  from public.accounts a where a.system_code is null and a.balance < 0
  union all
  select format('system account %s: balance column %s (must stay 0)', a.system_code, a.balance)
  from public.accounts a where a.system_code is not null and a.balance <> 0
  union all
  select format('account %s: last balance_after %s but balance %s', a.id, last.balance_after, a.balance)
  from public.accounts a
  join lateral (
    select ce.balance_after from public.credit_entries ce where ce.account_id = a.id order by ce.id desc limit 1
  ) last on true
  where a.system_code is null and last.balance_after is distinct from a.balance
  union all
  select format('transfer %s: entries do not match (count %s, sum %s)', t.id, count(e.id), coalesce(sum(e.amount), 0))
  from public.credit_transfers t
  left join public.credit_entries e on e.transfer_id = t.id
  group by t.id, t.from_account_id, t.to_account_id, t.amount
  having count(e.id) <> 2
      or coalesce(sum(e.amount), 0) <> 0
      or count(*) filter (where e.account_id = t.from_account_id and e.amount = -t.amount) <> 1
      or count(*) filter (where e.account_id = t.to_account_id and e.amount = t.amount) <> 1
  union all
  select format('ticket #%s: charged_credits %s but charges − refunds = %s', tk.number, tk.charged_credits, coalesce(m.net, 0))
  from public.tickets tk
  left join (
    select ticket_id,
           sum(case kind when 'ticket_charge' then amount when 'ticket_refund' then -amount else 0 end) as net
    from public.credit_transfers where ticket_id is not null group by ticket_id
  ) m on m.ticket_id = tk.id
  where tk.charged_credits <> coalesce(m.net, 0)
  union all
  select format('order %s (%s): %s purchase transfers', o.id, o.status, count(t.id))
  from public.orders o
  left join public.credit_transfers t on t.order_id = o.id and t.kind = 'purchase'
  group by o.id, o.status, o.credits
  having (o.status = 'paid' and (count(t.id) <> 1 or sum(t.amount) <> o.credits))
      or (o.status <> 'paid' and count(t.id) <> 0)
  union all
  select format('purchase transfer %s has no order', t.id)
  from public.credit_transfers t where t.kind = 'purchase' and t.order_id is null
  union all
  select format('entry %s: customer account %s %s', e.id, e.account_id,
    case when e.balance_after is null then 'has no running balance' else format('went below zero (%s)', e.balance_after) end)
  from public.credit_entries e join public.accounts a on a.id = e.account_id
  where a.system_code is null and (e.balance_after is null or e.balance_after < 0)
  union all
  select format('event %s of ticket #%s: account %s but the ticket''s is %s', ev.id, tk.number, ev.account_id, tk.account_id)
  from public.ticket_events ev join public.tickets tk on tk.id = ev.ticket_id
  where ev.account_id <> tk.account_id
$function$;

comment on function app.check_invariants() is 'docs/design.md §4 invariants; returns one text per violation (empty = all hold). For tests (service_role or postgres).';

revoke all on function app.check_invariants() from public, anon, authenticated, service_role;
grant execute on function app.check_invariants() to service_role;
