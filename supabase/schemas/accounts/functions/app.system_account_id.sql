create or replace function app.system_account_id(p_code text)
returns uuid language plpgsql stable security definer set search_path = ''
as $function$
begin
  return (select a.id from public.accounts a where a.system_code = p_code);
end $function$;

revoke all on function app.system_account_id(text) from public, anon, authenticated, service_role;
