-- Every function raises docs/design.md §5's errors through this one helper (SQLSTATE, which PostgREST maps
-- to the HTTP status; the stable code as `message`; words for a person as `detail`), so the codes cannot
-- drift between functions.
create or replace function app.raise_error(p_code text, p_detail text)
returns void
language plpgsql
set search_path = ''
as $function$
begin
  raise exception using
    errcode = case p_code
      when 'invalid_input' then '22023'
      when 'forbidden' then '42501'
      when 'not_found' then 'PT404'
      when 'invalid_state' then 'PT409'
      when 'insufficient_credits' then 'PT402'
      when 'purchase_required' then 'PT403'
      else 'XX000'
    end,
    message = p_code,
    detail = p_detail;
end $function$;

comment on function app.raise_error(text,text) is 'Raise a docs/design.md §5 error: invalid_input 22023, forbidden 42501, not_found PT404, invalid_state PT409, insufficient_credits PT402, purchase_required PT403.';

revoke all on function app.raise_error(text,text) from public, anon, authenticated, service_role;
