/**
 * Section - Reviews
 * Product reviews on the public page. Only signed-in people who have bought a package may write one;
 * one each, editable (submit_review upserts). Everyone, signed in or not, reads them.
 */

/** One review per author. author_name is copied from the profile so anonymous visitors can show it. */
create table public.reviews (
  id uuid primary key default gen_random_uuid(),
  author_id uuid not null unique references public.profiles (id) on delete cascade,
  author_name text not null default '' check (length(author_name) <= 200),
  rating smallint not null check (rating between 1 and 5),
  title text not null check (length(title) between 3 and 120),
  body text not null check (length(body) between 1 and 5000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.reviews is 'Product reviews: public to read; written only by submit_review, by purchasers, one each.';
comment on column public.reviews.author_name is 'The author''s name when last submitted (profiles are not public).';

grant select on public.reviews to anon, authenticated, service_role;

alter table public.reviews enable row level security;

create trigger reviews_touch_updated_at before update on public.reviews
  for each row execute function app.touch_updated_at();

create index reviews_created_at_idx on public.reviews (created_at desc);

create policy reviews_select_anon on public.reviews for select to anon
  using (true);
create policy reviews_select on public.reviews for select to authenticated
  using (true);

/**
 * Writes or rewrites the caller's review (rating 1–5, title 3–120, body 1–5000). Only for people with a
 * paid order (purchase_required otherwise).
 */
create function public.submit_review(p_rating integer, p_title text, p_body text) returns public.reviews
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
  values (v_uid, app.display_name(v_uid), p_rating, v_title, v_body)
  on conflict (author_id) do update
    set author_name = excluded.author_name, rating = excluded.rating, title = excluded.title, body = excluded.body
  returning * into v_review;
  return v_review;
end $$;
comment on function public.submit_review(integer, text, text) is 'Write or edit the caller''s review (purchasers only: purchase_required otherwise).';
revoke execute on function public.submit_review(integer, text, text) from public, anon;
grant execute on function public.submit_review(integer, text, text) to authenticated;
