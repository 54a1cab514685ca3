-- Security invoker: it reads only public tables anyone may read, so anon can call it without a
-- security-definer function being exposed.
create or replace function public.upgrade_cost(p_from text, p_to text)
returns integer language plpgsql stable set search_path = ''
as $function$
declare
  v_from integer;
  v_to integer;
  v_category public.ticket_categories;
begin
  if p_from is null or p_to is null or btrim(p_from) = '' or btrim(p_to) = '' then
    raise exception using errcode = '22023', message = 'invalid_input', detail = 'Give both versions.';
  end if;
  select r.position into v_from from public.product_releases r where r.version = btrim(p_from);
  if v_from is null then
    raise exception using errcode = '22023', message = 'invalid_input', detail = format('Unknown version %s.', btrim(p_from));
  end if;
  select r.position into v_to from public.product_releases r where r.version = btrim(p_to);
  if v_to is null then
    raise exception using errcode = '22023', message = 'invalid_input', detail = format('Unknown version %s.', btrim(p_to));
  end if;
  if v_to <= v_from then
    raise exception using errcode = '22023', message = 'invalid_input', detail = format('%s is not after %s.', btrim(p_to), btrim(p_from));
  end if;
  select * into v_category from public.ticket_categories c where c.code = 'upgrade';
  if v_category.code is null or v_category.per_step_credits is null then
    raise exception using errcode = 'PT409', message = 'invalid_state', detail = 'Upgrade pricing is not configured.';
  end if;
  return v_category.credits
    + v_category.per_step_credits * greatest(0, (select count(*)::integer from public.product_releases r
                                                  where r.position > v_from and r.position <= v_to) - v_category.included_steps);
end $function$;

comment on function public.upgrade_cost(text,text) is 'Credits for an upgrade between two releases (anyone may call). 4.3.1 -> 4.3.9 = 50 with the seed.';

revoke all on function public.upgrade_cost(text,text) from public, anon, authenticated, service_role;
grant execute on function public.upgrade_cost(text,text) to anon;
grant execute on function public.upgrade_cost(text,text) to authenticated;
grant execute on function public.upgrade_cost(text,text) to service_role;
