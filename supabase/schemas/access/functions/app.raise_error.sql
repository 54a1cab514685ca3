-- Every function raises docs/design.md §5's errors through this one helper (SQLSTATE, which PostgREST maps
-- to the HTTP status; the stable code as `message`; words for a person as `detail`), so the codes cannot
-- drift between functions.
create or replace function app.raise_error(p_code text, p_detail text)
returns void language plpgsql set search_path = ''
as $function$
begin
  raise exception using
    errcode = case p_code
      when 'invalid_input' then '22023'
      when 'invalid_unsubscribe_token' then '22023'
      when 'forbidden' then '42501'
      when 'mfa_required' then '42501'
      when 'not_found' then 'PT404'
      when 'invalid_state' then 'PT409'
      when 'insufficient_credits' then 'PT402'
      when 'purchase_required' then 'PT403'
      else 'XX000'
    end,
    message = p_code,
    detail = p_detail;
end $function$;

comment on function app.raise_error(text,text) is 'Raise a docs/design.md §5 error: invalid_input 22023, invalid_unsubscribe_token 22023, forbidden 42501, mfa_required 42501, not_found PT404, invalid_state PT409, insufficient_credits PT402, purchase_required PT403.';

revoke all on function app.raise_error(text,text) from public, anon, authenticated, service_role;

create or replace function app.raise_error(p_code text, p_detail text, p_reason text)
returns void language plpgsql set search_path = ''
as $function$
declare
  v_state text;
begin
  if p_reason is null then
    perform app.raise_error(p_code, p_detail);
  end if;
  -- The SQLSTATE comes from the two-argument form, so the codes are mapped in one place.
  begin
    perform app.raise_error(p_code, p_detail);
  exception when others then
    get stacked diagnostics v_state = returned_sqlstate;
  end;
  raise exception using errcode = v_state, message = p_code, detail = p_detail, hint = p_reason;
end $function$;

comment on function app.raise_error(text,text,text) is 'app.raise_error with a stable reason in HINT, for a function whose refusals share a code (several invalid_state) and whose caller must tell them apart.';

revoke all on function app.raise_error(text,text,text) from public, anon, authenticated, service_role;
