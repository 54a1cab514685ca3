-- Each waiting ticket the balance covers is charged, oldest first; one it cannot cover yet keeps waiting
-- without blocking cheaper, newer ones. Tickets another transaction holds are skipped (SKIP LOCKED): that
-- transaction will see the new balance itself, so this never deadlocks with it.
create or replace function app.charge_awaiting_tickets(p_account_id uuid, p_except_ticket_id uuid default NULL::uuid)
returns integer language plpgsql security definer set search_path = ''
as $function$
declare
  v_ticket public.tickets;
  v_balance integer;
  v_charged integer := 0;
begin
  for v_ticket in
    select * from public.tickets t
    where t.account_id = p_account_id and t.status = 'awaiting_credits'
      and t.id is distinct from p_except_ticket_id
    order by t.created_at, t.number
    for no key update skip locked
  loop
    select a.balance into v_balance from public.accounts a where a.id = p_account_id;
    exit when v_balance <= 0;
    if v_ticket.quoted_credits - v_ticket.charged_credits between 1 and v_balance then
      perform app.charge_ticket(v_ticket, v_ticket.quoted_credits - v_ticket.charged_credits, null, false);
      v_charged := v_charged + 1;
    end if;
  end loop;
  return v_charged;
end $function$;

comment on function app.charge_awaiting_tickets(uuid,uuid) is 'Charge an account''s awaiting_credits tickets oldest first, as far as the balance goes. Returns how many were charged.';

revoke all on function app.charge_awaiting_tickets(uuid,uuid) from public, anon, authenticated, service_role;
