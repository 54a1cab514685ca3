-- An upgrade is always priced from two versions of the release list, never from a number the engineer types,
-- so a pre-approved upgrade cannot be charged an arbitrary price; its price grows with the releases it spans,
-- and above the customer's pre-approval ceiling they are asked first.
create or replace function app.price_for(p_category public.ticket_categories, p_credits integer, p_upgrade_from text, p_upgrade_to text)
returns integer language plpgsql stable security definer set search_path = ''
as $function$
declare
  v_price integer;
begin
  if p_credits is not null and (p_credits <= 0 or p_credits > 100000) then
    perform app.raise_error('invalid_input', 'Credits must be between 1 and 100000.');
  end if;
  if p_category.min_credits is not null then
    if p_credits is null or p_credits < p_category.min_credits then
      perform app.raise_error('invalid_input', format(
        '%s is priced by agreement: propose at least %s.', p_category.name, app.credits_text(p_category.min_credits)
      ));
    end if;
    return p_credits;
  end if;
  if p_category.per_step_credits is not null then
    if p_upgrade_from is null or p_upgrade_to is null then
      perform app.raise_error('invalid_input',
        'An upgrade is priced from the release list: give the current and the target version.');
    end if;
    v_price := public.upgrade_cost(p_upgrade_from, p_upgrade_to);
    if p_credits is not null and p_credits <> v_price then
      perform app.raise_error('invalid_input', format(
        'An upgrade from %s to %s costs %s.', p_upgrade_from, p_upgrade_to, app.credits_text(v_price)
      ));
    end if;
    return v_price;
  end if;
  if p_credits is not null and p_credits <> p_category.credits then
    perform app.raise_error('invalid_input', format('%s costs %s.', p_category.name, app.credits_text(p_category.credits)));
  end if;
  return p_category.credits;
end $function$;

comment on function app.price_for(public.ticket_categories,integer,text,text) is 'Price of a ticket in a category (validates the engineer''s proposed credits).';

revoke all on function app.price_for(public.ticket_categories,integer,text,text) from public, anon, authenticated, service_role;
