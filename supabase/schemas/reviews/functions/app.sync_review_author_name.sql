-- A review shows its author's current display name: renaming yourself renames your review (author_name is a
-- copy, see reviews/tables/public.reviews.sql).
create or replace function app.sync_review_author_name()
returns trigger language plpgsql security definer set search_path = ''
as $function$
begin
  update public.reviews r set author_name = app.public_name(new.id)
  where r.author_id = new.id and r.author_name is distinct from app.public_name(new.id);
  return null;
end $function$;

revoke all on function app.sync_review_author_name() from public, anon, authenticated, service_role;

create trigger profiles_sync_review_author_name AFTER UPDATE OF full_name ON public.profiles FOR EACH ROW WHEN (old.full_name IS DISTINCT FROM new.full_name) EXECUTE FUNCTION app.sync_review_author_name();
