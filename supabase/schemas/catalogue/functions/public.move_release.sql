-- `position` is unique and not deferrable (PostgreSQL checks it row by row), so the moved release parks at a
-- free position past the newest one before the neighbour takes its place. The table lock (SHARE ROW
-- EXCLUSIVE conflicts with itself and with row writes) keeps the neighbour and the free position valid until
-- commit; the release list is small and rarely edited. The swap is one transaction in the database, so a
-- failure can never leave a half-written order behind. Moving the first release up or the last one down is
-- invalid_state, not a silent no-op, so a stale screen learns that the order changed.
create or replace function public.move_release(p_version text, p_direction text)
returns setof public.product_releases language plpgsql security definer set search_path = ''
as $function$
declare
  v_version text := btrim(p_version);
  v_moved public.product_releases;
  v_neighbour public.product_releases;
  v_free integer;
begin
  perform app.require_admin();
  if v_version is null or v_version = '' then
    perform app.raise_error('invalid_input', 'Choose a release to move.');
  end if;
  if p_direction is null or p_direction not in ('up', 'down') then
    perform app.raise_error('invalid_input', 'Move a release up or down.');
  end if;

  lock table public.product_releases in share row exclusive mode;

  select * into v_moved from public.product_releases r where r.version = v_version;
  if v_moved.version is null then
    perform app.raise_error('not_found', format('There is no release %s.', v_version));
  end if;

  if p_direction = 'up' then
    select * into v_neighbour from public.product_releases r
    where r.position < v_moved.position order by r.position desc limit 1;
  else
    select * into v_neighbour from public.product_releases r
    where r.position > v_moved.position order by r.position limit 1;
  end if;
  if v_neighbour.version is null then
    perform app.raise_error('invalid_state', format(
      '%s is already the %s release.', v_moved.version, case p_direction when 'up' then 'first' else 'last' end
    ));
  end if;

  select max(r.position) + 1 into v_free from public.product_releases r;
  update public.product_releases set position = v_free where version = v_moved.version;
  update public.product_releases set position = v_moved.position where version = v_neighbour.version;
  update public.product_releases set position = v_neighbour.position where version = v_moved.version;

  return query
    select * from public.product_releases r
    where r.version in (v_moved.version, v_neighbour.version)
    order by r.position;
end $function$;

comment on function public.move_release(text,text) is 'Admin only: move a release one place up (earlier) or down (later) in release order, atomically. Returns the two swapped releases.';

revoke all on function public.move_release(text,text) from public, anon, authenticated, service_role;
grant execute on function public.move_release(text,text) to authenticated;
