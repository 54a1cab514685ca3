-- What the browser checks before an upload starts (so a refused file gets its message at once, before
-- any bytes move). The same values are enforced by public.begin_attachment; changing them is an update of
-- app.settings (README "Attachments").
create or replace function public.attachment_limits()
returns jsonb language plpgsql stable security definer set search_path = ''
as $function$
declare
  v_settings app.settings;
begin
  perform app.require_user();
  select * into v_settings from app.settings;
  return jsonb_build_object(
    'max_file_bytes', v_settings.attachment_max_file_bytes,
    'max_ticket_bytes', v_settings.attachment_max_ticket_bytes,
    'refused_extensions', to_jsonb(v_settings.attachment_refused_extensions),
    'refused_types', to_jsonb(v_settings.attachment_refused_types)
  );
end $function$;

comment on function public.attachment_limits() is 'Attachment limits: {max_file_bytes, max_ticket_bytes, refused_extensions, refused_types}.';

revoke all on function public.attachment_limits() from public, anon, authenticated, service_role;
grant execute on function public.attachment_limits() to authenticated;
