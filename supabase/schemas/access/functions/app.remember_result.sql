create or replace function app.remember_result(p_key text, p_user_id uuid, p_function text, p_result jsonb)
returns void language plpgsql security definer set search_path = ''
as $function$
begin
  if p_key is not null then
    insert into app.idempotent_calls (key, user_id, function_name, result) values (p_key, p_user_id, p_function, p_result);
  end if;
end $function$;

revoke all on function app.remember_result(text,uuid,text,jsonb) from public, anon, authenticated, service_role;
