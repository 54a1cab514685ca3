-- Versions the engineer gives at assessment win over the ticket's own; either way both must be in the
-- release list (checked by app.price_for), for the reason given in catalogue/functions/app.price_for.sql.
create or replace function app.assessed_versions(p_ticket public.tickets, p_category public.ticket_categories, p_from text, p_to text)
returns public.tickets language plpgsql stable security definer set search_path = ''
as $function$
declare
  v_ticket public.tickets := p_ticket;
  v_from text := nullif(btrim(p_from), '');
  v_to text := nullif(btrim(p_to), '');
begin
  if (v_from is null) <> (v_to is null) then
    perform app.raise_error('invalid_input', 'For an upgrade give both the current and the target version.');
  end if;
  if p_category.per_step_credits is null then
    if v_from is not null then
      perform app.raise_error('invalid_input', format('Versions are given only for an upgrade, not for %s.', p_category.name));
    end if;
    return v_ticket;
  end if;
  if v_from is not null then
    v_ticket.upgrade_from := v_from;
    v_ticket.upgrade_to := v_to;
  end if;
  if v_ticket.upgrade_from is null then
    perform app.raise_error('invalid_input', format(
      'Ticket #%s names no versions: an upgrade assessment needs the current and the target version from the release list.',
      v_ticket.number));
  end if;
  return v_ticket;
end $function$;

revoke all on function app.assessed_versions(public.tickets,public.ticket_categories,text,text) from public, anon, authenticated, service_role;
