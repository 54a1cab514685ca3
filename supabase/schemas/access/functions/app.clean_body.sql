-- Markdown bodies are kept as written (not trimmed, unlike app.clean_text), only checked for some non-blank
-- text and the length limit.
create or replace function app.clean_body(p_body text, p_field text default 'The message'::text)
returns text language plpgsql stable set search_path = ''
as $function$
begin
  if p_body is null or length(btrim(p_body)) = 0 or length(p_body) > 20000 then
    perform app.raise_error('invalid_input', format('%s must be between 1 and 20000 characters.', p_field));
  end if;
  return p_body;
end $function$;

revoke all on function app.clean_body(text,text) from public, anon, authenticated, service_role;
