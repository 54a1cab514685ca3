-- Every function taking free text goes through this, so lengths are checked (after trimming) the same way
-- everywhere and the error always names the field.
create or replace function app.clean_text(p_value text, p_field text, p_min integer, p_max integer)
returns text language plpgsql stable set search_path = ''
as $function$
declare
  v text := btrim(p_value);
begin
  if v is null or length(v) < p_min or length(v) > p_max then
    perform app.raise_error('invalid_input', case
      when p_min = p_max then format('%s must be %s characters.', p_field, p_min)
      else format('%s must be between %s and %s characters.', p_field, p_min, p_max)
    end);
  end if;
  return v;
end $function$;

comment on function app.clean_text(text,text,integer,integer) is 'Trim and length-check user text; raises invalid_input naming the field.';

revoke all on function app.clean_text(text,text,integer,integer) from public, anon, authenticated, service_role;
