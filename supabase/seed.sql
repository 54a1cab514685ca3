-- Demo data for local development (`npm start`, `npm run stack -- --reset`); hosted projects never run it.
-- Demo logins: customer@example.com, engineer@example.com, admin@example.com — password `password123`.
-- The engineer and admin have no second factor yet: staff rights need one, so they enrol an authenticator
-- app on their first sign-in (README, "Demo logins").

insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
  confirmation_token, recovery_token, email_change_token_new, email_change
)
select
  '00000000-0000-0000-0000-000000000000', demo.id, 'authenticated', 'authenticated', demo.email,
  extensions.crypt('password123', extensions.gen_salt('bf', 10)), now(),
  '{"provider":"email","providers":["email"]}',
  jsonb_build_object('full_name', demo.full_name, 'email', demo.email, 'email_verified', true, 'phone_verified', false, 'sub', demo.id),
  now(), now(), '', '', '', ''
from (values
  ('00000000-0000-4000-8000-000000000001'::uuid, 'customer@example.com', 'Casey Customer'),
  ('00000000-0000-4000-8000-000000000002'::uuid, 'engineer@example.com', 'Erin Engineer'),
  ('00000000-0000-4000-8000-000000000003'::uuid, 'admin@example.com', 'Alex Admin')
) as demo (id, email, full_name);

insert into auth.identities (id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
select
  gen_random_uuid(), u.id::text, u.id,
  jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true, 'phone_verified', false),
  'email', now(), now(), now()
from auth.users u
where u.email in ('customer@example.com', 'engineer@example.com', 'admin@example.com');

-- Staff roles, set the way the console does (directly; set_user_role is for admins in the app).
update public.profiles set role = 'engineer' where email = 'engineer@example.com';
update public.profiles set role = 'admin' where email = 'admin@example.com';

-- Credit packages: $100.00 – $500.00, cheaper per credit as packages grow ($4.00 → $1.00 a credit).
insert into public.credit_packages (name, credits, price_cents, currency, sort_order) values
  ('25 credits', 25, 10000, 'usd', 1),
  ('50 credits', 50, 16000, 'usd', 2),
  ('100 credits', 100, 24000, 'usd', 3),
  ('200 credits', 200, 36000, 'usd', 4),
  ('300 credits', 300, 42000, 'usd', 5),
  ('400 credits', 400, 48000, 'usd', 6),
  ('500 credits', 500, 50000, 'usd', 7);

-- The price list (docs/design.md §1.4).
insert into public.ticket_categories (code, level, name, description, credits, min_credits, per_step_credits, included_steps) values
  ('question', 1, 'Question',
   'Explanation of standard functionality; general questions about the application (not problems).', 5, null, null, null),
  ('configuration', 2, 'Configuration',
   'Problems caused by incorrect settings; setting up standard functionality; consultations on architecture and basic customization.', 10, null, null, null),
  ('code_modification', 3, 'Code modification',
   'Complex code modification; possibility and complexity judged by the engineer; price agreed with the client (from 20 credits).', 20, 20, null, null),
  ('investigation', 3, 'Investigation',
   'Investigating problems caused by server settings, modified files or incorrect database data.', 20, null, null, null),
  ('upgrade', 3, 'Upgrade',
   'Upgrade, and issues that arise during it: 20 credits for up to two patch versions, +5 for each further version.', 20, null, 5, 2);

-- Releases in order (positions 1..19), about three weeks apart.
insert into public.product_releases (version, released_on, position)
select v.version, date '2025-06-02' + (v.ord::integer - 1) * 21, v.ord
from unnest(array[
  '4.2.0', '4.2.1', '4.2.2', '4.2.3', '4.2.4', '4.2.5',
  '4.3.0', '4.3.1', '4.3.2', '4.3.3', '4.3.4', '4.3.5', '4.3.6', '4.3.7', '4.3.8', '4.3.9',
  '4.4.0', '4.4.1', '4.4.2'
]) with ordinality as v (version, ord);

-- A lived-in customer: one paid purchase (through the real payment function), tickets in every
-- interesting state, a conversation, and a review. The functions check auth.uid(), so the seed acts as
-- each demo user by setting request.jwt.claims for this transaction, as PostgREST would (the engineer with a
-- second factor, `aal2`, as staff rights need).
do $$
declare
  v_customer constant uuid := '00000000-0000-4000-8000-000000000001';
  v_engineer constant uuid := '00000000-0000-4000-8000-000000000002';
  v_order public.orders;
  v_ticket public.tickets;
begin
  -- Checkout (service role) creates the pending order; the payment provider's success fulfils it.
  insert into public.orders (account_id, user_id, package_id, credits, amount_cents, currency, provider)
  select app.personal_account_id(v_customer), v_customer, p.id, p.credits, p.price_cents, p.currency, 'test'
  from public.credit_packages p where p.credits = 50
  returning * into v_order;
  perform public.service_role_fulfil_order(v_order.id, 'test_seed_payment_1');

  -- #1001 cost first, level 1: charged without confirmation, answered, resolved.
  perform set_config('request.jwt.claims', json_build_object('sub', v_customer, 'role', 'authenticated')::text, true);
  v_ticket := public.create_ticket('How do I export invoices to CSV?',
    'Our accountant needs last quarter''s invoices as a CSV file. Is there a built-in export?', false);
  perform set_config('request.jwt.claims', json_build_object('sub', v_engineer, 'role', 'authenticated', 'aal', 'aal2')::text, true);
  perform public.assess_ticket(v_ticket.id, 'question');
  perform public.post_message(v_ticket.id, E'Yes: open **Invoices**, filter by date, then choose **Export → CSV** in the toolbar.\n\nThe file uses your account''s date format.');
  perform public.resolve_ticket(v_ticket.id);

  -- #1002 pre-approved configuration: charged at once, a conversation in progress with an internal note.
  perform set_config('request.jwt.claims', json_build_object('sub', v_customer, 'role', 'authenticated')::text, true);
  v_ticket := public.create_ticket('Password reset emails never arrive',
    E'Since we moved to our own mail server, users who click "Forgot password" get nothing.\n\nSMTP host: mail.example.com, port 587.', true);
  perform set_config('request.jwt.claims', json_build_object('sub', v_engineer, 'role', 'authenticated', 'aal', 'aal2')::text, true);
  perform public.assess_ticket(v_ticket.id, 'configuration', null, 'SMTP settings');
  perform public.post_message(v_ticket.id, 'Customer''s server rejects AUTH PLAIN without STARTTLS; check their TLS setting first.', true);
  perform public.post_message(v_ticket.id, E'Thanks — this looks like a TLS setting. In **Settings → Email**, is *Use STARTTLS* switched on?');
  perform set_config('request.jwt.claims', json_build_object('sub', v_customer, 'role', 'authenticated')::text, true);
  perform public.post_message(v_ticket.id, 'It was off. I switched it on, but the emails still do not arrive.');

  -- #1003 cost first, level 3: the quote waits for the customer's confirmation.
  v_ticket := public.create_ticket('Reports are very slow after importing last year''s data',
    'The monthly sales report used to take seconds; since the import it takes several minutes.', false);
  perform set_config('request.jwt.claims', json_build_object('sub', v_engineer, 'role', 'authenticated', 'aal', 'aal2')::text, true);
  perform public.assess_ticket(v_ticket.id, 'investigation', null, 'Needs a look at the imported data and indexes.');

  -- #1004 pre-approved upgrade 4.3.1 → 4.3.9 (50 credits, within the customer's raised ceiling of 60)
  -- with 35 left: waits for credits (15 missing).
  perform set_config('request.jwt.claims', json_build_object('sub', v_customer, 'role', 'authenticated')::text, true);
  v_ticket := public.create_ticket('Upgrade from 4.3.1 to 4.3.9',
    'Please upgrade our installation to the latest 4.3 release.', true, '4.3.1', '4.3.9', null, 60);
  perform set_config('request.jwt.claims', json_build_object('sub', v_engineer, 'role', 'authenticated', 'aal', 'aal2')::text, true);
  perform public.assess_ticket(v_ticket.id, 'upgrade');

  -- #1005 new, not assessed yet.
  perform set_config('request.jwt.claims', json_build_object('sub', v_customer, 'role', 'authenticated')::text, true);
  perform public.create_ticket('Can the dashboard show totals per region?',
    'We sell in four regions and would like the dashboard totals split by region.', false);

  perform public.submit_review(5, 'Answers that actually fix things',
    'Clear prices up front and the engineer found our mail problem quickly. The credit system is easy to follow.');

  perform set_config('request.jwt.claims', '', true);
end $$;
