-- The dearest fixed-price category (neither price-agreed nor release-priced; 20 credits with the seed), so
-- by default "I agree in advance" covers every fixed price, while an upgrade across more than two releases
-- is asked first.
create or replace function app.default_pre_approval_ceiling()
returns integer language sql stable security definer set search_path = ''
as $function$
  select coalesce(max(c.credits), 20) from public.ticket_categories c
  where c.min_credits is null and c.per_step_credits is null
$function$;

comment on function app.default_pre_approval_ceiling() is 'Default pre-approval ceiling: the price of the dearest fixed category.';

revoke all on function app.default_pre_approval_ceiling() from public, anon, authenticated, service_role;
