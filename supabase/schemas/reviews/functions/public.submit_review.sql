create or replace function public.submit_review(p_rating integer, p_title text, p_body text)
returns public.reviews language plpgsql security definer set search_path = ''
as $function$
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
end $function$;

comment on function public.submit_review(integer,text,text) is 'Write or edit the caller''s review (purchasers only: purchase_required otherwise). Signed with the caller''s public name, never their e-mail.';

revoke all on function public.submit_review(integer,text,text) from public, anon, authenticated, service_role;
grant execute on function public.submit_review(integer,text,text) to authenticated;
