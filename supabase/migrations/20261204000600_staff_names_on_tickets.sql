/**
 * Section - Names on tickets
 * A ticket's thread and audit trail name who wrote or did what, and customers read both. The name came
 * from app.display_name(), which fell back to the person's e-mail address when they had set no display
 * name: a customer could read the address of the engineer answering them. Staff without a display name
 * (or with an address as one) now appear as "Pro Portal support". A customer without one still appears
 * by their address, which only their own account and staff can read. Rows already written under a staff
 * address are renamed below (a data change, so written by hand).
 */
create or replace function app.display_name(p_user_id uuid) returns text
language plpgsql stable security definer set search_path = '' as $$
declare
  v_profile public.profiles;
begin
  select * into v_profile from public.profiles p where p.id = p_user_id;
  if v_profile.id is null then
    return '';
  end if;
  if v_profile.role in ('engineer', 'admin') then
    if nullif(btrim(v_profile.full_name), '') is null or app.looks_like_email(v_profile.full_name) then
      return 'Pro Portal support';
    end if;
    return btrim(v_profile.full_name);
  end if;
  return coalesce(nullif(btrim(v_profile.full_name), ''), v_profile.email, '');
end $$;
comment on function app.display_name(uuid) is 'How a person is named on a ticket: their display name; staff without one are "Pro Portal support", never their e-mail address.';
revoke execute on function app.display_name(uuid) from public;

update public.ticket_messages m set author_name = app.display_name(m.author_id)
from public.profiles p
where p.id = m.author_id and p.role in ('engineer', 'admin')
  and (m.author_name = '' or app.looks_like_email(m.author_name));

update public.ticket_events e set actor_name = app.display_name(e.actor_id)
from public.profiles p
where p.id = e.actor_id and p.role in ('engineer', 'admin')
  and (e.actor_name = '' or app.looks_like_email(e.actor_name));
