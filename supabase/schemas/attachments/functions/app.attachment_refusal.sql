-- The checks on a file's name and type, in one place for public.begin_attachment. Names are data: any
-- character a person can read is kept as given (`../`, slashes, quotes, Unicode), because the storage key
-- never contains the name. Refused: nothing left after trimming, more than 255 characters, and characters
-- that are not text — control characters (a line break or a NUL would forge lines in a download header or a
-- log) and the invisible direction marks that make `evil‮gnp.exe` read as `evilexe.png`.
-- The extension is what follows the last dot once trailing dots and spaces are gone, since Windows drops
-- those (`setup.exe.` runs as setup.exe). Returns null when the file may be attached, else the reason and
-- the words for a person.
create or replace function app.attachment_refusal(p_file_name text, p_content_type text, p_settings app.settings)
returns text[] language plpgsql immutable set search_path = ''
as $function$
declare
  v_name text := btrim(p_file_name);
  v_base text := btrim(split_part(lower(p_content_type), ';', 1));
  v_extension text;
begin
  if v_name is null or v_name = '' then
    return array['file_name', 'Give the file a name.'];
  end if;
  if v_name ~ '[[:cntrl:]\u0080-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]' then
    return array['file_name', 'The file name contains control or invisible direction characters; rename the file and try again.'];
  end if;
  if length(v_name) > 255 then
    return array['file_name', format('The file name is %s characters long; at most 255 are allowed. Rename the file and try again.', length(v_name))];
  end if;
  if length(p_content_type) > 255 or v_base !~ '^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$' then
    return array['content_type', 'The file''s content type is not a valid type/subtype (such as image/png).'];
  end if;
  v_extension := lower(substring(rtrim(v_name, '. ') from '\.([^./\\]+)$'));
  if v_extension = any (p_settings.attachment_refused_extensions) then
    return array['file_type', format('.%s files cannot be attached: programs and scripts are refused.', v_extension)];
  end if;
  if v_base = any (p_settings.attachment_refused_types) then
    return array['file_type', format('Files of type %s cannot be attached: programs and scripts are refused.', v_base)];
  end if;
  return null;
end $function$;

comment on function app.attachment_refusal(text,text,app.settings) is 'Null when a file name and content type may be attached; else {reason, message}.';

revoke all on function app.attachment_refusal(text,text,app.settings) from public, anon, authenticated, service_role;
