-- Calls one of the project's edge functions with the service role, through pg_net, which sends the request
-- only after the calling transaction commits (a rolled-back one calls nothing). The project's URL and
-- service role key come from Vault, where hosted projects keep them (created once, README "Mail"; the
-- local stack writes its own at start). Without them nothing is sent and the calling transaction goes on:
-- a warning says what is left undone (p_without).
create or replace function app.call_edge_function(p_name text, p_timeout_ms integer, p_without text)
returns void language plpgsql security definer set search_path = ''
as $function$
declare
  v_url text;
  v_key text;
begin
  select s.decrypted_secret into v_url from vault.decrypted_secrets s where s.name = 'project_url';
  select s.decrypted_secret into v_key from vault.decrypted_secrets s where s.name = 'service_role_key';
  if v_url is null or v_key is null then
    raise warning '%: Vault has no project_url or service_role_key secret', p_without;
    return;
  end if;
  perform net.http_post(
    url := rtrim(v_url, '/') || '/functions/v1/' || p_name,
    body := '{}'::jsonb,
    headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || v_key),
    timeout_milliseconds := p_timeout_ms
  );
end $function$;

comment on function app.call_edge_function(text,integer,text) is 'Call an edge function with the service role through pg_net (after commit), with the URL and key from Vault.';

revoke all on function app.call_edge_function(text,integer,text) from public, anon, authenticated, service_role;
