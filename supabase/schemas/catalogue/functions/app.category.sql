create or replace function app.category(p_code text)
returns public.ticket_categories language plpgsql stable security definer set search_path = ''
as $function$
declare
  v_category public.ticket_categories;
begin
  select * into v_category from public.ticket_categories c where c.code = p_code;
  if v_category.code is null then
    perform app.raise_error('invalid_input', format('There is no category %s.', coalesce(p_code, '(none)')));
  end if;
  return v_category;
end $function$;

revoke all on function app.category(text) from public, anon, authenticated, service_role;
