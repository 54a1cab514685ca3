-- Product reviews on the public page. Only signed-in people who have bought a package may write one; one
-- each, editable (public.submit_review upserts). Everyone, signed in or not, reads them. author_name is
-- copied from the profile so anonymous visitors can show it without reading profiles; it is the author's
-- public name (app.public_name), never an e-mail address, because the page is public.
create table public.reviews (
  id uuid default gen_random_uuid() not null,
  author_id uuid not null,
  author_name text default ''::text not null,
  rating smallint not null,
  title text not null,
  body text not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint reviews_pkey PRIMARY KEY (id),
  constraint reviews_author_id_key UNIQUE (author_id),
  constraint reviews_author_id_fkey FOREIGN KEY (author_id) REFERENCES public.profiles(id) ON DELETE CASCADE,
  constraint reviews_author_name_check CHECK (length(author_name) <= 200),
  constraint reviews_body_check CHECK (length(body) >= 1 AND length(body) <= 5000),
  constraint reviews_rating_check CHECK (rating >= 1 AND rating <= 5),
  constraint reviews_title_check CHECK (length(title) >= 3 AND length(title) <= 120)
);

create index reviews_created_at_idx on public.reviews (created_at DESC);

alter table public.reviews enable row level security;

comment on table public.reviews is 'Product reviews: public to read; written only by submit_review, by purchasers, one each.';
comment on column public.reviews.author_name is 'The author''s public name (app.public_name: display name or ''Customer'', never an e-mail), kept in step with profiles.full_name.';

revoke all on table public.reviews from anon, authenticated, service_role;
grant select on table public.reviews to anon;
grant select on table public.reviews to authenticated;
grant select on table public.reviews to service_role;
