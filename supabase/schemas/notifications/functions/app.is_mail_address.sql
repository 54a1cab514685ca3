-- Stricter than app.looks_like_email (which finds an address inside text): the whole value must be one
-- plain address, lower case, with nothing a mail header could be split or extended with (no spaces, line
-- breaks, control characters, angle brackets, commas, quotes). app.mail_outbox's to_email check repeats
-- the pattern; change both together.
create or replace function app.is_mail_address(p_text text)
returns boolean language sql immutable set search_path = ''
as $function$
  select coalesce(
    length(p_text) <= 254
    and p_text = lower(p_text)
    and p_text ~ '^[a-z0-9.!#$%&''*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$',
    false)
$function$;

comment on function app.is_mail_address(text) is 'True when the text is exactly one plain, lower-case e-mail address (nothing a header could be extended with).';

revoke all on function app.is_mail_address(text) from public, anon, authenticated, service_role;
