-- One UPDATE per ticket and transaction. A second UPDATE of a row written earlier in the same transaction
-- re-runs every foreign-key check of that row, so it takes a KEY SHARE lock on the customer's account while
-- other charges hold it for update, turning the account's lock into a growing MultiXact: on one busy account,
-- charges then queue far behind what a row lock allows (bench/README.md). So the charging functions pass the
-- locked ticket row along, change it in memory and write it once through here.
create or replace function app.save_ticket(p_ticket public.tickets)
returns public.tickets language plpgsql security definer set search_path = ''
as $function$
declare
  v_ticket public.tickets;
begin
  update public.tickets t
  set status = p_ticket.status, category = p_ticket.category, quoted_credits = p_ticket.quoted_credits,
      charged_credits = p_ticket.charged_credits, assignee_id = p_ticket.assignee_id,
      assessed_at = p_ticket.assessed_at, resolved_at = p_ticket.resolved_at, closed_at = p_ticket.closed_at,
      upgrade_from = p_ticket.upgrade_from, upgrade_to = p_ticket.upgrade_to
  where t.id = p_ticket.id
  returning * into v_ticket;
  return v_ticket;
end $function$;

revoke all on function app.save_ticket(public.tickets) from public, anon, authenticated, service_role;
