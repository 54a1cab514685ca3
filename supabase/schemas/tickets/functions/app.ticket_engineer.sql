-- Who hears of a customer's answer to a quote: the assignee, else whoever assessed or last re-assessed it
-- (assessing assigns the assessor when nobody is, so this is rarely needed).
create or replace function app.ticket_engineer(p_ticket public.tickets)
returns uuid language plpgsql stable security definer set search_path = ''
as $function$
begin
  return coalesce(p_ticket.assignee_id, (
    select e.actor_id from public.ticket_events e
    where e.ticket_id = p_ticket.id and e.kind in ('assessed', 'reassessed') and e.actor_id is not null
    order by e.created_at desc, e.id desc
    limit 1));
end $function$;

comment on function app.ticket_engineer(public.tickets) is 'The engineer in charge of a ticket: its assignee, else its last assessor.';

revoke all on function app.ticket_engineer(public.tickets) from public, anon, authenticated, service_role;
