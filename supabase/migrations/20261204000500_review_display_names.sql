/**
 * Section - Public names
 * Reviews are public, and they named their author with app.display_name(), which falls back to the
 * e-mail address when the profile has no name: the product page published customers' addresses.
 * A review now carries the author's display name (profiles.full_name, which people set on their
 * settings page) or, without one, "Customer" — never an address. A name that is itself an address is
 * refused when set, and treated as no name where one was stored before. Existing reviews are renamed
 * here (a data change, so written by hand), and a review follows its author's later renames.
 */

/** Whether a text contains something shaped like an e-mail address (local@domain.tld). */
create function app.looks_like_email(p_text text) returns boolean
language sql immutable set search_path = '' as $$
  select coalesce(p_text ~ '[^[:space:]@]+@[^[:space:]@]+\.[^[:space:]@]+', false)
$$;
comment on function app.looks_like_email(text) is 'True when the text contains an e-mail-shaped token; such text is never shown as a public name.';
revoke execute on function app.looks_like_email(text) from public;

/** The name the public sees for a person: their display name, or "Customer"; never an e-mail address. */
create function app.public_name(p_user_id uuid) returns text
language plpgsql stable security definer set search_path = '' as $$
declare
  v_name text := (select btrim(p.full_name) from public.profiles p where p.id = p_user_id);
begin
  if v_name is null or v_name = '' or app.looks_like_email(v_name) then
    return 'Customer';
  end if;
  return v_name;
end $$;
comment on function app.public_name(uuid) is 'Display name for public pages (reviews): full_name, else ''Customer''. Never the e-mail address, unlike app.display_name.';
revoke execute on function app.public_name(uuid) from public;

/** Same rules, limits and errors as migration 000800; only the author's name changes source. */
create or replace function public.submit_review(p_rating integer, p_title text, p_body text) returns public.reviews
language plpgsql security definer set search_path = '' as $$
declare
  v_uid uuid := app.require_user();
  v_title text := app.clean_text(p_title, 'The title', 3, 120);
  v_body text := app.clean_text(p_body, 'The review', 1, 5000);
  v_review public.reviews;
begin
  if p_rating is null or p_rating < 1 or p_rating > 5 then
    perform app.raise_error('invalid_input', 'Give a rating from 1 to 5 stars.');
  end if;
  if not exists (select 1 from public.orders o where o.user_id = v_uid and o.status = 'paid') then
    perform app.raise_error('purchase_required', 'Only customers who have bought a credit package can review Pro Portal.');
  end if;
  insert into public.reviews as r (author_id, author_name, rating, title, body)
  values (v_uid, app.public_name(v_uid), p_rating, v_title, v_body)
  on conflict (author_id) do update
    set author_name = excluded.author_name, rating = excluded.rating, title = excluded.title, body = excluded.body
  returning * into v_review;
  return v_review;
end $$;
comment on function public.submit_review(integer, text, text) is 'Write or edit the caller''s review (purchasers only: purchase_required otherwise). Signed with the caller''s public name, never their e-mail.';
revoke execute on function public.submit_review(integer, text, text) from public, anon;
grant execute on function public.submit_review(integer, text, text) to authenticated;

/**
 * A display name is public (reviews show it), so an address is refused when someone sets one. Only on
 * update: sign-up copies whatever name the sign-up form sent, and app.public_name() hides it if needed.
 */
create function app.check_display_name() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if app.looks_like_email(new.full_name) then
    perform app.raise_error('invalid_input', 'Use a name, not an e-mail address: your display name is shown on your reviews.');
  end if;
  new.full_name := btrim(new.full_name);
  return new;
end $$;
revoke execute on function app.check_display_name() from public;

create trigger profiles_check_display_name before update of full_name on public.profiles
  for each row when (old.full_name is distinct from new.full_name) execute function app.check_display_name();

/** A review shows its author's current display name: renaming yourself renames your review. */
create function app.sync_review_author_name() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  update public.reviews r set author_name = app.public_name(new.id)
  where r.author_id = new.id and r.author_name is distinct from app.public_name(new.id);
  return null;
end $$;
revoke execute on function app.sync_review_author_name() from public;

create trigger profiles_sync_review_author_name after update of full_name on public.profiles
  for each row when (old.full_name is distinct from new.full_name) execute function app.sync_review_author_name();

-- Reviews signed before this migration: every one whose name is not its author's public name (an
-- address, or blank) gets the public name.
update public.reviews r set author_name = app.public_name(r.author_id)
where r.author_name is distinct from app.public_name(r.author_id)
  and (r.author_name = '' or app.looks_like_email(r.author_name));

comment on column public.reviews.author_name is 'The author''s public name (app.public_name: display name or ''Customer'', never an e-mail), kept in step with profiles.full_name.';
